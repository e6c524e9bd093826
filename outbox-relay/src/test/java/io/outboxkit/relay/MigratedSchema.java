package io.outboxkit.relay;

import static org.assertj.core.api.Assertions.assertThat;

import io.outboxkit.core.OutboxEvent;
import io.outboxkit.core.OutboxHeaders;
import io.outboxkit.core.WriteMode;
import io.outboxkit.test.TestDatabase;
import io.outboxkit.test.TestKafka;
import io.outboxkit.writer.OutboxWriter;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/** What the migration tests ({@link FlywayMigrationIT}, {@link LiquibaseMigrationIT}) write and look at. */
final class MigratedSchema {

  private MigratedSchema() {
  }

  private static final int EVENTS = 200;

  /**
   * Checks that the objects of schema {@code shop}, the publication and the slot are those the SQL set makes
   * with the test's names; returns them with their catalog oids.
   */
  static List<String> installed(TestDatabase db, String slot) throws Exception {
    List<String> installed = catalog(db, slot);
    assertThat(installed).map(object -> object.replaceAll(" #\\d+$", "")).containsExactly(
        "table order_events", "table outboxkit_relay_heartbeat", "table outboxkit_relay_offset",
        "table outboxkit_relay_watermark", "published shop.order_events", "published shop.outboxkit_relay_heartbeat",
        "slot " + slot + " pgoutput " + db.name());
    return installed;
  }

  /**
   * Writes events with {@code OutboxWriter} into {@code shop.order_events}, half before the relay's first start
   * (the slot keeps them) and half while it runs, and checks that the relay publishes every one and finds the
   * {@code installed} objects in place, making none anew.
   */
  static void streamAsInstalled(TestDatabase db, TestKafka kafka, String slot, String topicHint,
      List<String> installed) throws Exception {
    OutboxWriter writer = OutboxWriter.builder(db.dataSource()).schema("shop").table("order_events")
        .mode(WriteMode.TABLE).build();
    Set<String> written = write(db, writer, 0, EVENTS / 2);
    String prefix = kafka.newTopic(topicHint) + ".";
    try (OutboxRelay relay = RelayFixture.relay(db, kafka, prefix)
        .schema("shop").table("order_events").publication("shop_outbox").replicationSlot(slot)
        .build()) {
      relay.start();
      RelayFixture.awaitActive(relay);
      written.addAll(write(db, writer, EVENTS / 2, EVENTS));

      List<ConsumerRecord<byte[], byte[]>> records = kafka.readRecords(prefix + "order", EVENTS, RelayFixture.TIMEOUT);
      Set<String> published = new HashSet<>();
      records.forEach(r -> published.add(RelayFixture.header(r, OutboxHeaders.ID)));
      assertThat(published).isEqualTo(written);
      assertThat(catalog(db, slot)).as("the relay found every object in place and made none anew")
          .isEqualTo(installed);
    }
  }

  /** Writes events {@code from} to {@code to} in one transaction; their ids. */
  private static Set<String> write(TestDatabase db, OutboxWriter writer, int from, int to) throws Exception {
    Set<String> ids = new HashSet<>();
    try (Connection connection = db.openConnection()) {
      connection.setAutoCommit(false);
      for (int i = from; i < to; i++) {
        ids.add(writer.publish(connection, OutboxEvent.of("order", "o-" + (i % 10), "OrderPlaced",
            "{\"n\":" + i + "}")).toString());
      }
      connection.commit();
    }
    return ids;
  }

  /**
   * The objects in schema shop, the publication's tables and the slot, each with its catalog oid where it has
   * one: an object dropped and made again would show a new oid.
   */
  private static List<String> catalog(TestDatabase db, String slot) throws Exception {
    List<String> objects = new ArrayList<>();
    objects.addAll(db.queryColumn("SELECT 'table ' || c.relname || ' #' || c.oid FROM pg_class c"
        + " JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'shop' AND c.relkind = 'r'"
        + " ORDER BY c.relname"));
    objects.addAll(db.queryColumn("SELECT 'published ' || r.prrelid::regclass || ' #' || p.oid"
        + " FROM pg_publication p JOIN pg_publication_rel r ON r.prpubid = p.oid"
        + " WHERE p.pubname = 'shop_outbox' ORDER BY 1"));
    objects.addAll(db.queryColumn("SELECT 'slot ' || slot_name || ' ' || plugin || ' ' || database"
        + " FROM pg_replication_slots WHERE slot_name = '" + slot + "'"));
    return objects;
  }
}
