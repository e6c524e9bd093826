package io.outboxkit.writer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.outboxkit.core.OutboxConfigurationException;
import io.outboxkit.core.SchemaScripts;
import io.outboxkit.core.WriteMode;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.postgresql.ds.PGSimpleDataSource;

/** Configuration can never carry SQL into a statement: every name is validated when it is set. */
class BuilderValidationTest {

  /** Never connected to: building a writer or an installer does not touch the database. */
  private final DataSource unused = new PGSimpleDataSource();

  @ParameterizedTest
  @ValueSource(strings = {"outbox_event; DROP TABLE orders", "outbox\"event", "outbox event", "1outbox", "",
      "outbox_event--", "\"public\".\"x\"", "tabl\u00e9"})
  void tableAndSchemaNamesThatAreNotPlainIdentifiersAreRejected(String name) {
    assertThatThrownBy(() -> OutboxWriter.builder(unused).table(name))
        .isInstanceOf(OutboxConfigurationException.class).hasMessageContaining("OutboxWriter table");
    assertThatThrownBy(() -> OutboxWriter.builder(unused).schema(name))
        .isInstanceOf(OutboxConfigurationException.class).hasMessageContaining("OutboxWriter schema");
    assertThatThrownBy(() -> OutboxSchema.builder().table(name))
        .isInstanceOf(OutboxConfigurationException.class).hasMessageContaining("OutboxSchema table");
    assertThatThrownBy(() -> OutboxSchema.builder().schema(name))
        .isInstanceOf(OutboxConfigurationException.class).hasMessageContaining("OutboxSchema schema");
    assertThatThrownBy(() -> OutboxSchema.builder().publication(name))
        .isInstanceOf(OutboxConfigurationException.class).hasMessageContaining("OutboxSchema publication");
    assertThatThrownBy(() -> OutboxSchema.builder().replicationSlot(name))
        .isInstanceOf(OutboxConfigurationException.class).hasMessageContaining("OutboxSchema replicationSlot");
  }

  @Test
  void identifiersLongerThanPostgresqlAllowsAreRejected() {
    assertThatThrownBy(() -> OutboxWriter.builder(unused).table("t".repeat(64)))
        .isInstanceOf(OutboxConfigurationException.class).hasMessageContaining("63 bytes");
  }

  @ParameterizedTest
  @ValueSource(strings = {"outboxkit'); SELECT pg_drop_replication_slot('x'); --", "with space", "", "a/b",
      "quote\"d"})
  void walMessagePrefixesWithOtherCharactersAreRejected(String prefix) {
    assertThatThrownBy(() -> OutboxWriter.builder(unused).walMessagePrefix(prefix))
        .isInstanceOf(OutboxConfigurationException.class).hasMessageContaining("OutboxWriter walMessagePrefix");
  }

  @Test
  void prefixesWithDotsAndDashesAreAccepted() {
    assertThat(OutboxWriter.builder(unused).mode(WriteMode.WAL_MESSAGE).walMessagePrefix("shop.orders-v1").build())
        .isNotNull();
  }

  @Test
  void replicationSlotNamesMustBeLowerCase() {
    assertThatThrownBy(() -> OutboxSchema.builder().replicationSlot("OutboxKit"))
        .isInstanceOf(OutboxConfigurationException.class).hasMessageContaining("lower-case");
  }

  @ParameterizedTest
  @ValueSource(strings = {"My_Pub", "Outboxkit", "shopPub"})
  void publicationNamesTheRelayRefusesAreRefused(String name) {
    assertThatThrownBy(() -> OutboxSchema.builder().publication(name))
        .isInstanceOf(OutboxConfigurationException.class)
        .hasMessage("OutboxSchema publication '" + name
            + "' is not accepted: use 1-63 lower-case letters, digits and underscores");
  }

  @Test
  void otherSettingsAreCheckedToo() {
    assertThatThrownBy(() -> OutboxWriter.builder(null)).isInstanceOf(OutboxConfigurationException.class)
        .hasMessageContaining("DataSource");
    assertThatThrownBy(() -> OutboxWriter.builder(unused).maxPayloadBytes(0))
        .isInstanceOf(OutboxConfigurationException.class).hasMessageContaining("maxPayloadBytes");
    assertThatThrownBy(() -> OutboxWriter.builder(unused).mode(null))
        .isInstanceOf(OutboxConfigurationException.class).hasMessageContaining("mode");
    assertThatThrownBy(() -> OutboxWriter.builder(unused).meterRegistry("registry"))
        .isInstanceOf(OutboxConfigurationException.class)
        .hasMessageContaining("OutboxWriter meterRegistry must be an io.micrometer.core.instrument.MeterRegistry");
  }

  @Test
  void theInstallerPutsValidatedQuotedNamesIntoTheShippedSql() {
    OutboxSchema schema = OutboxSchema.builder().schema("Shop").table("events_out").publication("shop_pub")
        .replicationSlot("shop_slot").build();

    assertThat(schema.tableScript())
        .contains("CREATE TABLE IF NOT EXISTS \"Shop\".\"events_out\" (")
        .contains("outbox := '\"Shop\".\"events_out\"'::regclass;")
        .contains("pg_catalog.to_regclass('\"Shop\".outboxkit_relay_heartbeat')")
        .contains("WHERE pubname = 'shop_pub';")
        .contains("'CREATE PUBLICATION %I FOR TABLE %s WITH (publish = %L)', 'shop_pub'")
        .doesNotContain("${", "\"public\"", "'outboxkit'");
    assertThat(schema.replicationSlotScript())
        .contains("pg_create_logical_replication_slot('shop_slot', 'pgoutput')")
        .doesNotContain("${", "'outboxkit'");
  }

  @Test
  void theInstallerRunsOutboxCoresScriptsWithOnlyThePlaceholdersReplaced() throws Exception {
    OutboxSchema schema = OutboxSchema.builder().build();

    assertThat(schema.tableScript()).isEqualTo(withDefaultNames(resource(SchemaScripts.OUTBOX_TABLE_V1)) + "\n"
        + withDefaultNames(resource(SchemaScripts.PUBLICATION_V1)));
    assertThat(schema.replicationSlotScript())
        .isEqualTo(withDefaultNames(resource(SchemaScripts.REPLICATION_SLOT_V1)));
    assertThat(schema.tableScript()).contains("CREATE TABLE IF NOT EXISTS \"public\".\"outbox_event\"");
  }

  private static String withDefaultNames(String script) {
    return script.replace("${outbox_table}", "\"public\".\"outbox_event\"").replace("${relay_schema}", "\"public\"")
        .replace("${publication}", "outboxkit").replace("${slot}", "outboxkit");
  }

  private static String resource(String path) throws Exception {
    try (var in = BuilderValidationTest.class.getClassLoader().getResourceAsStream(path)) {
      return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    }
  }
}
