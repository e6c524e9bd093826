package io.outboxkit.core.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.outboxkit.core.OutboxConfigurationException;
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
}
