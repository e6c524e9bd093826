package io.outboxkit.writer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.outboxkit.core.OutboxEvent;
import io.outboxkit.test.OutboxIntegrationTest;
import io.outboxkit.test.TestDatabase;
import java.sql.Connection;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The default mode: one row per event, in the caller's transaction on a plain JDBC connection. */
@OutboxIntegrationTest
class TableModeIT {

  @Test
  void aCommittedEventIsARowWithEveryFieldAsGiven(TestDatabase db) throws Exception {
    OutboxRows.installTable(db.dataSource());
    OutboxRows.createOrders(db.dataSource());
    OutboxWriter writer = OutboxWriter.builder(db.dataSource()).build();
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put("tenant", "acme");
    headers.put("source", "web");
    OffsetDateTime before = OffsetDateTime.now().minusSeconds(5);

    UUID id;
    try (Connection connection = db.openConnection()) {
      connection.setAutoCommit(false);
      OutboxRows.insertOrder(connection, "order-42");
      id = writer.publish(connection, new OutboxEvent("order", "order-42", "OrderCreated",
          Map.of("orderId", "order-42", "total", 10), headers));
      assertThat(OutboxRows.count(db.dataSource(), "outbox_event")).as("not visible before commit").isZero();
      connection.commit();
    }

    List<OutboxRows.Row> rows = OutboxRows.read(db.dataSource());
    assertThat(rows).hasSize(1);
    OutboxRows.Row row = rows.get(0);
    assertThat(row.id()).isEqualTo(id);
    assertThat(id.version()).isEqualTo(7);
    assertThat(row.aggregateType()).isEqualTo("order");
    assertThat(row.aggregateId()).isEqualTo("order-42");
    assertThat(row.type()).isEqualTo("OrderCreated");
    assertThat(new ObjectMapper().readTree(row.payload()))
        .isEqualTo(new ObjectMapper().readTree("{\"orderId\":\"order-42\",\"total\":10}"));
    assertThat(row.headers())
        .isEqualTo(OutboxRows.asJsonb(db.dataSource(), "{\"tenant\":\"acme\",\"source\":\"web\"}"));
    assertThat(row.tracingSpanContext()).isNull();
    assertThat(row.createdAt()).isBetween(before, OffsetDateTime.now().plusSeconds(5));
    assertThat(OutboxRows.count(db.dataSource(), "orders")).isEqualTo(1);
  }

  @Test
  void aRolledBackTransactionLeavesNoEvent(TestDatabase db) throws Exception {
    OutboxRows.installTable(db.dataSource());
    OutboxRows.createOrders(db.dataSource());
    OutboxWriter writer = OutboxWriter.builder(db.dataSource()).build();

    try (Connection connection = db.openConnection()) {
      connection.setAutoCommit(false);
      OutboxRows.insertOrder(connection, "order-1");
      writer.publish(connection, "order", "order-1", "OrderCreated", "{\"a\":1}");
      writer.publishAll(connection, List.of(OutboxEvent.of("order", "order-1", "OrderPaid", null)));
      connection.rollback();
    }

    assertThat(OutboxRows.count(db.dataSource(), "outbox_event")).isZero();
    assertThat(OutboxRows.count(db.dataSource(), "orders")).isZero();
  }

  @Test
  void payloadsAreStoredAsTheJsonTheyAreAndNullAsSqlNull(TestDatabase db) throws Exception {
    OutboxRows.installTable(db.dataSource());
    OutboxWriter writer = OutboxWriter.builder(db.dataSource()).build();
    List<String> given = List.of("[1,\"two\",{\"three\":null}]", "\"a string\"", "12345678901234567890123456789",
        "{\"text\":\"Grüße 東京 \uD83D\uDE00\",\"nested\":{\"n\":null,\"e\":[]}}", "null", "true");
    List<OutboxEvent> events = new ArrayList<>();
    for (String payload : given) {
      events.add(OutboxEvent.of("doc", "1", "Json", payload));
    }
    events.add(OutboxEvent.of("doc", "1", "Tree", new ObjectMapper().readTree("{\"tree\":[1.5]}")));
    events.add(OutboxEvent.of("doc", "1", "Empty", null));

    try (Connection connection = db.openConnection()) {
      connection.setAutoCommit(false);
      writer.publishAll(connection, events);
      connection.commit();
    }

    List<OutboxRows.Row> rows = OutboxRows.read(db.dataSource()); // by id = in the order written
    for (int i = 0; i < given.size(); i++) {
      assertThat(rows.get(i).payload()).isEqualTo(OutboxRows.asJsonb(db.dataSource(), given.get(i)));
    }
    assertThat(rows.get(given.size()).payload()).isEqualTo("{\"tree\": [1.5]}");
    assertThat(rows.get(given.size() + 1).payload()).as("no payload is SQL NULL").isNull();
    assertThat(rows.get(4).payload()).as("a JSON null payload is not SQL NULL").isEqualTo("null");
  }

  @Test
  void aThousandEventsInOneTransactionGoInOneBatch(TestDatabase db) throws Exception {
    OutboxRows.installTable(db.dataSource());
    OutboxWriter writer = OutboxWriter.builder(db.dataSource()).build();
    List<OutboxEvent> events = new ArrayList<>();
    for (int i = 0; i < 1_000; i++) {
      events.add(OutboxEvent.of("order", "order-" + (i % 37), "OrderLine", Map.of("line", i)));
    }

    List<UUID> ids;
    try (Connection connection = db.openConnection()) {
      connection.setAutoCommit(false);
      ids = writer.publishAll(connection, events);
      connection.commit();
    }

    assertThat(ids).hasSize(1_000).doesNotHaveDuplicates();
    assertThat(ids.stream().map(UUID::toString).toList()).isSorted();
    List<OutboxRows.Row> rows = OutboxRows.read(db.dataSource());
    assertThat(rows).extracting(OutboxRows.Row::id).containsExactlyElementsOf(ids);
    assertThat(rows.get(999).payload()).isEqualTo("{\"line\": 999}");
    assertThat(rows.get(999).aggregateId()).isEqualTo("order-" + (999 % 37));
  }

  @Test
  void concurrentWritersGetUniqueIdsAndEveryEventIsStored(TestDatabase db) throws Exception {
    OutboxRows.installTable(db.dataSource());
    OutboxWriter writer = OutboxWriter.builder(db.dataSource()).build();
    int threads = 6;
    int transactionsPerThread = 50;
    Set<UUID> ids = ConcurrentHashMap.newKeySet();
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      List<Future<?>> done = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int thread = t;
        done.add(pool.submit(() -> {
          try (Connection connection = db.openConnection()) {
            connection.setAutoCommit(false);
            for (int i = 0; i < transactionsPerThread; i++) {
              ids.add(writer.publish(connection, "order", "t" + thread + "-" + i, "OrderCreated", Map.of("i", i)));
              ids.addAll(writer.publishAll(connection, List.of(
                  OutboxEvent.of("order", "t" + thread + "-" + i, "OrderPaid", null),
                  OutboxEvent.of("payment", "p" + thread + "-" + i, "PaymentTaken", "{}"))));
              connection.commit();
            }
          }
          return null;
        }));
      }
      for (Future<?> result : done) {
        result.get();
      }
    } finally {
      pool.shutdownNow();
    }

    assertThat(ids).hasSize(threads * transactionsPerThread * 3);
    Set<UUID> stored = OutboxRows.read(db.dataSource()).stream().map(OutboxRows.Row::id).collect(Collectors.toSet());
    assertThat(stored).isEqualTo(ids);
  }

  @Test
  void aConnectionInAutoCommitModeIsRefusedUnlessWritesOutsideTransactionsAreAllowed(TestDatabase db)
      throws Exception {
    OutboxRows.installTable(db.dataSource());
    OutboxWriter strict = OutboxWriter.builder(db.dataSource()).build();
    OutboxWriter lenient = OutboxWriter.builder(db.dataSource()).allowWritesOutsideTransaction(true).build();

    try (Connection connection = db.openConnection()) {
      assertThatThrownBy(() -> strict.publish(connection, "order", "1", "OrderCreated", "{}"))
          .isInstanceOf(NoTransactionException.class)
          .hasMessageContaining("auto-commit mode")
          .hasMessageContaining("setAutoCommit(false)")
          .hasMessageContaining("allowWritesOutsideTransaction(true)");
      assertThat(OutboxRows.count(db.dataSource(), "outbox_event")).isZero();

      List<UUID> ids = lenient.publishAll(connection, List.of(OutboxEvent.of("order", "1", "A", null),
          OutboxEvent.of("order", "1", "B", null)));

      assertThat(connection.getAutoCommit()).as("auto-commit restored").isTrue();
      assertThat(OutboxRows.read(db.dataSource())).extracting(OutboxRows.Row::id).containsExactlyElementsOf(ids);
    }
  }

  @Test
  void theDataSourceFormsNeedATransactionUnlessWritesOutsideTransactionsAreAllowed(TestDatabase db)
      throws Exception {
    OutboxRows.installTable(db.dataSource());
    OutboxWriter strict = OutboxWriter.builder(db.dataSource()).build();
    OutboxWriter lenient = OutboxWriter.builder(db.dataSource()).allowWritesOutsideTransaction(true).build();

    assertThatThrownBy(() -> strict.publish("order", "1", "OrderCreated", "{}"))
        .isInstanceOf(NoTransactionException.class)
        .hasMessageContaining("no Spring-managed transaction is active")
        .hasMessageContaining("@Transactional")
        .hasMessageContaining("publish(Connection, ...)")
        .hasMessageContaining("allowWritesOutsideTransaction(true)");

    UUID id = lenient.publish("order", "1", "OrderCreated", "{}");
    List<UUID> more = lenient.publishAll(List.of(OutboxEvent.of("order", "1", "OrderPaid", "{}")));

    assertThat(OutboxRows.read(db.dataSource())).extracting(OutboxRows.Row::id)
        .containsExactly(id, more.get(0));
  }

  @Test
  void customSchemaAndTableNamesAreUsed(TestDatabase db) throws Exception {
    try (Connection connection = db.openConnection()) {
      connection.createStatement().execute("CREATE SCHEMA \"Shop\"");
    }
    OutboxSchema.builder().schema("Shop").table("Events").publication("shop").createReplicationSlot(false).build()
        .install(db.dataSource());
    OutboxWriter writer = OutboxWriter.builder(db.dataSource()).schema("Shop").table("Events").build();

    try (Connection connection = db.openConnection()) {
      connection.setAutoCommit(false);
      writer.publish(connection, "order", "1", "OrderCreated", "{}");
      connection.commit();
    }

    assertThat(OutboxRows.count(db.dataSource(), "\"Shop\".\"Events\"")).isEqualTo(1);
  }

  @Test
  void aMissingTableIsReportedWithWhatToDo(TestDatabase db) throws Exception {
    OutboxWriter writer = OutboxWriter.builder(db.dataSource()).build();

    try (Connection connection = db.openConnection()) {
      connection.setAutoCommit(false);
      assertThatThrownBy(() -> writer.publish(connection, "order", "1", "OrderCreated", "{}"))
          .isInstanceOf(io.outboxkit.core.OutboxConfigurationException.class)
          .hasMessageContaining("\"public\".\"outbox_event\" does not exist")
          .hasMessageContaining("install the schema");
      connection.rollback();
    }
  }
}
