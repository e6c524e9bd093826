package io.outboxkit.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class SqlIdentifierTest {

  @Test
  void acceptsPlainIdentifiersAndQuotesThem() {
    SqlIdentifier id = SqlIdentifier.of("outbox.table", "Outbox_Event_2");
    assertThat(id.name()).isEqualTo("Outbox_Event_2");
    assertThat(id.quoted()).isEqualTo("\"Outbox_Event_2\"");
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "outbox; DROP TABLE orders; --",
      "outbox\"; DROP TABLE orders; --",
      "public.outbox",
      "1table",
      "out box",
      "outbox'--",
      "tåble",
      "outbox\u0000"})
  void rejectsAnythingButLettersDigitsAndUnderscoresNamingTheSetting(String value) {
    assertThatThrownBy(() -> SqlIdentifier.of("outbox.table", value))
        .isInstanceOf(OutboxConfigurationException.class)
        .hasMessageContaining("outbox.table")
        .hasMessageContaining("letters, digits and underscores");
  }

  @Test
  void rejectsEmptyAndNull() {
    assertThatThrownBy(() -> SqlIdentifier.of("outbox.schema", ""))
        .isInstanceOf(OutboxConfigurationException.class).hasMessageContaining("outbox.schema must be set");
    assertThatThrownBy(() -> SqlIdentifier.of("outbox.schema", null))
        .isInstanceOf(OutboxConfigurationException.class).hasMessageContaining("outbox.schema must be set");
  }

  @Test
  void rejectsNamesLongerThanPostgresAccepts() {
    String longName = "a".repeat(64);
    assertThatThrownBy(() -> SqlIdentifier.of("outbox.table", longName))
        .isInstanceOf(OutboxConfigurationException.class).hasMessageContaining("63 bytes");
    assertThat(SqlIdentifier.of("outbox.table", "a".repeat(63)).name()).hasSize(63);
  }

  @Test
  void tableNameQualifiesWithQuotes() {
    TableName name = TableName.of("outbox.schema", "sales", "outbox.table", "outbox_event");
    assertThat(name.qualified()).isEqualTo("\"sales\".\"outbox_event\"");
    assertThat(name.plain()).isEqualTo("sales.outbox_event");
  }
}
