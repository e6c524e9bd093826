package io.outboxkit.writer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.outboxkit.core.InvalidEventException;
import io.outboxkit.core.OutboxEvent;
import io.outboxkit.core.OutboxException;
import io.outboxkit.test.OutboxIntegrationTest;
import io.outboxkit.test.TestDatabase;
import java.sql.Connection;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Each bad input fails with a message naming the field, and the business transaction it happened in rolls
 * back: neither the business row nor any event remains.
 */
@OutboxIntegrationTest
class BadInputIT {

  private TestDatabase db;
  private TransactionTemplate transaction;
  private JdbcTemplate jdbc;
  private OutboxWriter writer;

  @BeforeEach
  void setUp(TestDatabase db) throws Exception {
    this.db = db;
    OutboxRows.installTable(db.dataSource());
    OutboxRows.createOrders(db.dataSource());
    transaction = new TransactionTemplate(new DataSourceTransactionManager(db.dataSource()));
    jdbc = new JdbcTemplate(db.dataSource());
    writer = OutboxWriter.builder(db.dataSource()).maxPayloadBytes(1_000).build();
  }

  @Test
  void nullOrBlankAggregateTypeAggregateIdOrEventType() throws Exception {
    assertRejected(w -> w.publish(null, "1", "OrderCreated", "{}"), "aggregateType must not be null");
    assertRejected(w -> w.publish(" ", "1", "OrderCreated", "{}"), "aggregateType must not be blank");
    assertRejected(w -> w.publish("order", null, "OrderCreated", "{}"), "aggregateId must not be null");
    assertRejected(w -> w.publish("order", "", "OrderCreated", "{}"), "aggregateId must not be blank");
    assertRejected(w -> w.publish("order", "1", null, "{}"), "eventType must not be null");
    assertRejected(w -> w.publish("order", "1", "\t", "{}"), "eventType must not be blank");
  }

  @Test
  void valuesLongerThanTheirColumn() throws Exception {
    String tooLong = "x".repeat(256);
    assertRejected(w -> w.publish(tooLong, "1", "OrderCreated", "{}"),
        "aggregateType is 256 characters long, more than the 255 its column aggregatetype holds");
    assertRejected(w -> w.publish("order", tooLong, "OrderCreated", "{}"),
        "aggregateId is 256 characters long, more than the 255 its column aggregateid holds");
    assertRejected(w -> w.publish("order", "1", tooLong, "{}"),
        "eventType is 256 characters long, more than the 255 its column type holds");
  }

  @Test
  void aPayloadJacksonCannotSerialize() throws Exception {
    Object selfReferencing = new Object() {
      public Object getSelf() {
        return this;
      }
    };
    assertRejected(w -> w.publish("order", "1", "OrderCreated", selfReferencing), "payload of type");
    assertRejected(w -> w.publish("order", "1", "OrderCreated", new Object()), "payload of type java.lang.Object");
  }

  @Test
  void aPayloadOverTheSizeLimit() throws Exception {
    assertRejected(w -> w.publish("order", "1", "OrderCreated", Map.of("text", "é".repeat(500))),
        "payload is 1011 bytes of UTF-8 JSON, more than the limit of 1000 bytes (OutboxWriter maxPayloadBytes)");
  }

  @Test
  void aPayloadStringThatIsNotJson() throws Exception {
    assertRejected(w -> w.publish("order", "1", "OrderCreated", "{\"total\": 10,}"), "payload is not valid JSON");
    assertRejected(w -> w.publish("order", "1", "OrderCreated", "order created"), "payload is not valid JSON");
    assertRejected(w -> w.publish("order", "1", "OrderCreated", "{\"a\":\"\\u0000\"}"),
        "payload holds the character \\u0000");
  }

  @Test
  void oneBadEventOfABatchWritesNoneOfThem() throws Exception {
    assertRejected(w -> w.publishAll(List.of(OutboxEvent.of("order", "1", "A", "{}"),
            OutboxEvent.of("order", "1", "B", "{oops"), OutboxEvent.of("order", "1", "C", "{}"))),
        "events[1].payload is not valid JSON");
  }

  @Test
  void noTransactionWhenOneIsRequired() throws Exception {
    assertThatThrownBy(() -> writer.publish("order", "1", "OrderCreated", "{}"))
        .isInstanceOf(NoTransactionException.class).hasMessageContaining("no transaction in progress");
    try (Connection connection = db.openConnection()) {
      assertThatThrownBy(() -> writer.publish(connection, "order", "1", "OrderCreated", "{}"))
          .isInstanceOf(NoTransactionException.class).hasMessageContaining("auto-commit mode");
    }
    assertThat(OutboxRows.count(db.dataSource(), "outbox_event")).isZero();
  }

  @Test
  void jsonThatOnlyPostgresqlRejectsIsReportedAndTheTransactionCanStillBeRolledBack() throws Exception {
    // a lone surrogate escape: valid for Jackson, rejected by jsonb
    String loneSurrogate = "{\"text\":\"\\ud800\"}";
    try (Connection connection = db.openConnection()) {
      connection.setAutoCommit(false);
      OutboxRows.insertOrder(connection, "order-1");
      assertThatThrownBy(() -> writer.publish(connection, "order", "order-1", "OrderCreated", loneSurrogate))
          .isInstanceOf(InvalidEventException.class)
          .hasMessageContaining("PostgreSQL rejected the payload or the headers as jsonb")
          .hasMessageContaining("roll the transaction back");
      connection.rollback();
      // the connection is usable again
      connection.setAutoCommit(true);
      assertThat(connection.createStatement().executeQuery("SELECT 1").next()).isTrue();
    }
    assertNothingWritten();
  }

  private void assertRejected(Consumer<OutboxWriter> call, String message) throws Exception {
    assertThatThrownBy(() -> transaction.executeWithoutResult(status -> {
      jdbc.update("INSERT INTO orders VALUES ('order-1', 10)");
      call.accept(writer);
    })).isInstanceOf(InvalidEventException.class).isInstanceOf(OutboxException.class).hasMessageContaining(message);
    assertNothingWritten();
  }

  private void assertNothingWritten() throws Exception {
    assertThat(OutboxRows.count(db.dataSource(), "orders")).as("business change rolled back").isZero();
    assertThat(OutboxRows.count(db.dataSource(), "outbox_event")).as("no event").isZero();
  }
}
