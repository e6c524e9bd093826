package io.outboxkit.writer;

import static org.assertj.core.api.Assertions.assertThat;

import io.outboxkit.core.OutboxEvent;
import io.outboxkit.core.WriteMode;
import io.outboxkit.test.OutboxIntegrationTest;
import io.outboxkit.test.TestDatabase;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** TABLE_DELETE_AFTER_INSERT: the table stays empty while the write-ahead log carries every insert. */
@OutboxIntegrationTest
class DeleteAfterInsertIT {

  @Test
  void committedEventsAreInTheLogButNotInTheTable(TestDatabase db) throws Exception {
    OutboxRows.installTable(db.dataSource());
    LogicalSlot slot = LogicalSlot.testDecoding(db);
    OutboxWriter writer = OutboxWriter.builder(db.dataSource()).mode(WriteMode.TABLE_DELETE_AFTER_INSERT).build();

    List<UUID> ids = new ArrayList<>();
    try (Connection connection = db.openConnection()) {
      connection.setAutoCommit(false);
      ids.add(writer.publish(connection, "order", "order-1", "OrderCreated", "{\"total\":10}"));
      ids.addAll(writer.publishAll(connection, List.of(OutboxEvent.of("order", "order-1", "OrderPaid", null),
          OutboxEvent.of("order", "order-2", "OrderCreated", "[1,2]").withHeader("tenant", "acme"))));
      connection.commit();
    }

    assertThat(OutboxRows.count(db.dataSource(), "outbox_event")).as("the table stays empty").isZero();
    List<String> changes = slot.testDecodingChanges();
    List<String> inserts = changes.stream().filter(c -> c.startsWith("table public.outbox_event: INSERT:")).toList();
    List<String> deletes = changes.stream().filter(c -> c.startsWith("table public.outbox_event: DELETE:")).toList();
    assertThat(inserts).hasSize(3);
    assertThat(deletes).hasSize(3);
    for (int i = 0; i < ids.size(); i++) {
      assertThat(inserts.get(i)).contains("id[uuid]:'" + ids.get(i) + "'");
    }
    assertThat(inserts.get(0)).contains("aggregatetype[character varying]:'order'",
        "aggregateid[character varying]:'order-1'", "type[character varying]:'OrderCreated'",
        "payload[jsonb]:'{\"total\": 10}'");
    assertThat(inserts.get(1)).contains("payload[jsonb]:null");
    assertThat(inserts.get(2)).contains("headers[jsonb]:'{\"tenant\": \"acme\"}'");
  }

  @Test
  void aRolledBackTransactionLeavesNothingInTheLog(TestDatabase db) throws Exception {
    OutboxRows.installTable(db.dataSource());
    LogicalSlot slot = LogicalSlot.testDecoding(db);
    OutboxWriter writer = OutboxWriter.builder(db.dataSource()).mode(WriteMode.TABLE_DELETE_AFTER_INSERT).build();

    try (Connection connection = db.openConnection()) {
      connection.setAutoCommit(false);
      writer.publish(connection, "order", "order-1", "OrderCreated", "{}");
      connection.rollback();
    }

    assertThat(slot.testDecodingChanges()).noneMatch(c -> c.contains("outbox_event"));
  }
}
