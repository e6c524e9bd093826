package io.outboxkit.relay;

import io.outboxkit.core.OutboxEvent;
import io.outboxkit.test.TestDatabase;
import io.outboxkit.writer.OutboxWriter;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** What the migration tests ({@link FlywayMigrationIT}, {@link LiquibaseMigrationIT}) write and look at. */
final class MigratedSchema {

  private MigratedSchema() {
  }

  /** Writes events {@code from} to {@code to} in one transaction; their ids. */
  static Set<String> write(TestDatabase db, OutboxWriter writer, int from, int to) throws Exception {
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
  static List<String> catalog(TestDatabase db, String slot) throws Exception {
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
