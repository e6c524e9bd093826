package io.outboxkit.test;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class OtherPostgresTest {

  private final Map<String, String> properties = new HashMap<>(Map.of("os.name", "Linux", "os.arch", "amd64"));

  @Test
  void withoutTheBinariesPropertyTheReasonNamesIt() {
    assertThat(OtherPostgres.unavailableReason(14, properties::get)).hasValueSatisfying(reason ->
        assertThat(reason).contains("outboxkit.test.postgres14.binaries").contains("PostgreSQL 14"));
  }

  @Test
  void binariesForLinuxX8664AreNotUsedElsewhere() {
    properties.put("outboxkit.test.postgres14.binaries", "/somewhere/postgresql14-linux-amd64.jar");
    properties.put("os.name", "Mac OS X");
    properties.put("os.arch", "aarch64");
    assertThat(OtherPostgres.unavailableReason(14, properties::get)).hasValueSatisfying(reason ->
        assertThat(reason).contains("Linux x86_64").contains("Mac OS X aarch64"));
  }

  @Test
  void onLinuxX8664WithTheBinariesNamedItCanStart() {
    properties.put("outboxkit.test.postgres14.binaries", "/somewhere/postgresql14-linux-amd64.jar");
    assertThat(OtherPostgres.unavailableReason(14, properties::get)).isEmpty();
    properties.put("os.arch", "x86_64");
    assertThat(OtherPostgres.unavailableReason(14, properties::get)).isEmpty();
  }
}
