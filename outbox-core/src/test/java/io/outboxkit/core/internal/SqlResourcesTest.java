package io.outboxkit.core.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.outboxkit.core.OutboxConfigurationException;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SqlResourcesTest {

  @Test
  void readsAScriptWithOrWithoutLeadingSlash() {
    String expected = "-- a script for SqlResourcesTest\nSELECT 1;\n";
    assertThat(SqlResources.read(SqlResourcesTest.class, "io/outboxkit/core/internal/sample.sql"))
        .isEqualTo(expected);
    assertThat(SqlResources.read(SqlResourcesTest.class, "/io/outboxkit/core/internal/sample.sql"))
        .isEqualTo(expected);
  }

  @Test
  void aMissingScriptNamesItselfAndTheJar() {
    assertThatThrownBy(() -> SqlResources.read(SqlResourcesTest.class, "/io/outboxkit/core/internal/none.sql"))
        .isInstanceOf(OutboxConfigurationException.class)
        .hasMessage("the SQL script io/outboxkit/core/internal/none.sql is missing from the class path: the jar of "
            + SqlResourcesTest.class.getName() + " is incomplete");
  }

  @Test
  void placeholdersAreReplacedByTheirValuesAsTheyAre() {
    assertThat(SqlResources.read(SqlResourcesTest.class, "io/outboxkit/core/internal/placeholders.sql",
        Map.of("table", "\"shop\".\"events\"", "name", "a$1\\b")))
        .isEqualTo("-- a script with placeholders for SqlResourcesTest\n"
            + "SELECT 1 FROM \"shop\".\"events\" WHERE name = 'a$1\\b';\n");
  }

  @Test
  void aPlaceholderWithoutAValueIsReported() {
    assertThatThrownBy(() -> SqlResources.read(SqlResourcesTest.class, "io/outboxkit/core/internal/placeholders.sql",
        Map.of("table", "t")))
        .isInstanceOf(OutboxConfigurationException.class)
        .hasMessageContaining("the SQL script io/outboxkit/core/internal/placeholders.sql has the placeholder ${name}, "
            + "which is given no value");
  }
}
