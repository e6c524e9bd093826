package io.outboxkit.relay;

import static org.assertj.core.api.Assertions.assertThat;

import io.outboxkit.core.OutboxHeaders;
import io.outboxkit.core.WriteMode;
import io.outboxkit.test.OutboxIntegrationTest;
import io.outboxkit.test.TestDatabase;
import io.outboxkit.test.TestKafka;
import io.outboxkit.writer.OutboxWriter;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.output.MigrateResult;
import org.junit.jupiter.api.Test;

/**
 * outbox-core's SQL set applied as a Flyway user applies it (from its class path location, the names given as
 * Flyway placeholders, with other names than the defaults), and then a writer and a relay that use that schema
 * as it is: the relay's own preparation finds everything in place and creates nothing.
 */
@OutboxIntegrationTest
class FlywayMigrationIT {

  private static final int EVENTS = 200;

  @Test
  void theShippedScriptsAppliedByFlywayCarryEventsFromTheWriterToKafka(TestDatabase db, TestKafka kafka)
      throws Exception {
    db.execute("CREATE SCHEMA shop");
    String slot = db.name(); // slots are server-wide: one per test database
    Flyway flyway = Flyway.configure()
        .dataSource(db.dataSource())
        .locations("classpath:io/outboxkit/core/schema/v1")
        .table("outboxkit_schema_history")
        .placeholders(Map.of("outbox_table", "shop.order_events", "relay_schema", "shop",
            "publication", "shop_outbox", "slot", slot))
        .load();

    MigrateResult result = flyway.migrate();

    assertThat(result.success).isTrue();
    assertThat(result.migrations).extracting(migration -> migration.version)
        .containsExactly("1.1", "1.2", "1.3", "1.4");
    assertThat(flyway.migrate().migrationsExecuted).as("a second run has nothing to do").isZero();
    List<String> installed = MigratedSchema.catalog(db, slot);
    assertThat(installed).map(object -> object.replaceAll(" #\\d+$", "")).containsExactly(
        "table order_events", "table outboxkit_relay_heartbeat", "table outboxkit_relay_offset",
        "table outboxkit_relay_watermark", "published shop.order_events", "published shop.outboxkit_relay_heartbeat",
        "slot " + slot + " pgoutput " + db.name());
    if (db.serverVersion() >= 150000) {
      assertThat(db.queryColumn("SELECT array_to_string(attnames, ',') FROM pg_publication_tables"
          + " WHERE pubname = 'shop_outbox' AND tablename = 'order_events'"))
          .containsExactly("id,aggregatetype,aggregateid,type,payload,tracingspancontext,headers");
    }

    OutboxWriter writer = OutboxWriter.builder(db.dataSource()).schema("shop").table("order_events")
        .mode(WriteMode.TABLE).build();
    Set<String> written = MigratedSchema.write(db, writer, 0, EVENTS / 2); // before the relay's first start: the slot keeps them
    String prefix = kafka.newTopic("flyway") + ".";
    try (OutboxRelay relay = RelayFixture.relay(db, kafka, prefix)
        .schema("shop").table("order_events").publication("shop_outbox").replicationSlot(slot)
        .build()) {
      relay.start();
      RelayFixture.awaitActive(relay);
      written.addAll(MigratedSchema.write(db, writer, EVENTS / 2, EVENTS));

      List<ConsumerRecord<byte[], byte[]>> records = kafka.readRecords(prefix + "order", EVENTS, RelayFixture.TIMEOUT);
      Set<String> published = new HashSet<>();
      records.forEach(r -> published.add(RelayFixture.header(r, OutboxHeaders.ID)));
      assertThat(published).isEqualTo(written);
      assertThat(MigratedSchema.catalog(db, slot)).as("the relay found every object in place and made none anew")
          .isEqualTo(installed);
    }
  }
}
