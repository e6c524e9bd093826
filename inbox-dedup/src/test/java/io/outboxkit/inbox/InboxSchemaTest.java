package io.outboxkit.inbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.outboxkit.core.OutboxConfigurationException;
import org.junit.jupiter.api.Test;

class InboxSchemaTest {

  @Test
  void shippedScriptUsesTheDefaultNamesAndIsIdempotent() {
    String template = InboxSchema.template();
    assertThat(template)
        .contains("CREATE TABLE IF NOT EXISTS inbox_message (")
        .contains("PRIMARY KEY (consumer, message_id)")
        .contains("received_at timestamptz   NOT NULL DEFAULT now()")
        .contains("CREATE INDEX IF NOT EXISTS inbox_message_received_at_idx ON inbox_message (received_at)");
  }

  @Test
  void installerQualifiesTheDefaultTable() {
    String sql = InboxSchema.builder().build().sql();
    assertThat(sql)
        .contains("CREATE TABLE IF NOT EXISTS \"public\".\"inbox_message\" (")
        .contains("CREATE INDEX IF NOT EXISTS \"inbox_message_received_at_idx\" ON \"public\".\"inbox_message\"")
        .doesNotContain(" inbox_message ");
  }

  @Test
  void installerPutsCustomNamesEverywhere() {
    String sql = InboxSchema.builder().schema("billing").table("Processed_Events").build().sql();
    assertThat(sql)
        .contains("CREATE TABLE IF NOT EXISTS \"billing\".\"Processed_Events\" (")
        .contains("\"Processed_Events_received_at_idx\" ON \"billing\".\"Processed_Events\" (received_at)")
        .doesNotContainPattern("\\binbox_message\\b");
  }

  @Test
  void invalidNamesAreRejected() {
    assertThatThrownBy(() -> InboxSchema.builder().schema("public").table("inbox; DROP TABLE x").build())
        .isInstanceOf(OutboxConfigurationException.class)
        .hasMessageContaining("InboxSchema table");
    String longName = "t".repeat(50);
    assertThatThrownBy(() -> InboxSchema.builder().schema("public").table(longName).build())
        .isInstanceOf(OutboxConfigurationException.class)
        .hasMessageContaining("received_at_idx");
  }
}
