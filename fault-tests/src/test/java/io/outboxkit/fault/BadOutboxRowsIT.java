package io.outboxkit.fault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.outboxkit.core.DeadLetterHeaders;
import io.outboxkit.core.InvalidEventException;
import io.outboxkit.core.OutboxHeaders;
import io.outboxkit.relay.RelayState;
import io.outboxkit.test.OutboxIntegrationTest;
import io.outboxkit.test.TestDatabase;
import io.outboxkit.test.TestKafka;
import io.outboxkit.writer.OutboxWriter;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Bad input written into the outbox, by hand or through the writer, while writers keep committing good
 * events through a running pipeline. Each input ends in a clear error or a dead letter, and the event
 * written after it on the same key (so on the same partition) is applied: nothing else is lost or stuck.
 * The scenario's line is printed and checked once all inputs are done.
 */
@OutboxIntegrationTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class BadOutboxRowsIT {

  private static final String INSERT = "INSERT INTO outbox_event (id, aggregatetype, aggregateid, type, payload) "
      + "VALUES (?, ?, ?, ?, ?::jsonb)";

  private @Nullable Pipeline pipeline;
  private @Nullable RelayChild relay;
  private int expectedDeadLetters;

  @BeforeAll
  void startPipeline(TestDatabase orders, TestDatabase billing, TestKafka kafka) {
    pipeline = Pipeline.create("bad-outbox-rows", orders, billing, kafka, 3);
    pipeline.startConsumer("billing-1");
    pipeline.startWriters(2, 6, 20);
    relay = pipeline.startRelay("relay");
    relay.awaitState(RelayState.ACTIVE);
    pipeline.awaitFlowing(20);
  }

  @AfterAll
  void reconcile() {
    if (pipeline == null) {
      return; // the pipeline did not start; @BeforeAll reported why
    }
    try {
      assertThat(relay.state()).as("relay after all bad input").isEqualTo(RelayState.ACTIVE);
      pipeline.finish("bad outbox rows: NULL payload, non-JSON payload, NULL aggregate id, unknown column, "
          + "UPDATE and DELETE, payload over Kafka's limit; " + expectedDeadLetters + " expected dead letters",
          expectedDeadLetters).assertNothingLostOrDuplicated();
    } finally {
      pipeline.close();
    }
  }

  @Test
  @Order(1)
  void nullPayloadIsPublishedWithoutValueAndDeadLetteredByTheConsumer() throws SQLException {
    UUID id = UUID.randomUUID();
    insertByHand(id, "hand-null", null);
    pipeline.committedByHand(id.toString());
    expectedDeadLetters++;

    ConsumerRecord<byte[], byte[]> dead = awaitConsumerDeadLetter(id);
    System.out.printf("[bad-outbox-rows] NULL payload: record published without a value, dead-lettered by the "
        + "consumer: %s / %s%n", header(dead, DeadLetterHeaders.REASON), header(dead, DeadLetterHeaders.ERROR_MESSAGE));
    assertThat(header(dead, DeadLetterHeaders.REASON)).isEqualTo(DeadLetterHeaders.REASON_INVALID_MESSAGE);
    assertThat(header(dead, DeadLetterHeaders.ERROR_MESSAGE)).contains("no value");
    assertThat(dead.value()).isNull();
    assertNextEventOnTheSameKeyIsApplied("hand-null", 0);
  }

  @Test
  @Order(2)
  void nonJsonPayloadIsRefusedByPostgres() {
    UUID id = UUID.randomUUID();
    assertThatThrownBy(() -> insertByHand(id, "hand-text", "this is not JSON"))
        .isInstanceOf(SQLException.class)
        .satisfies(e -> {
          System.out.printf("[bad-outbox-rows] non-JSON payload refused: SQLState %s: %s%n",
              ((SQLException) e).getSQLState(), firstLine(e.getMessage()));
          assertThat(((SQLException) e).getSQLState()).isEqualTo("22P02");
          assertThat(e.getMessage()).contains("invalid input syntax for type json");
        });
    assertThat(outboxRows(id)).isZero();
    assertNextEventOnTheSameKeyIsApplied("hand-text", 0);
  }

  @Test
  @Order(3)
  void nullAggregateIdIsRefusedByPostgres() {
    UUID id = UUID.randomUUID();
    assertThatThrownBy(() -> insertByHand(id, null, EffectHandler.payload("hand-nokey", 0, 1)))
        .isInstanceOf(SQLException.class)
        .satisfies(e -> {
          System.out.printf("[bad-outbox-rows] NULL aggregate id refused: SQLState %s: %s%n",
              ((SQLException) e).getSQLState(), firstLine(e.getMessage()));
          assertThat(((SQLException) e).getSQLState()).isEqualTo("23502");
          assertThat(e.getMessage()).contains("aggregateid");
        });
    assertThat(outboxRows(id)).isZero();
    assertNextEventOnTheSameKeyIsApplied("hand-nokey", 0);
  }

  @Test
  @Order(4)
  void unknownColumnAddedWhileTheRelayRunsIsIgnored() throws SQLException {
    execute("ALTER TABLE outbox_event ADD COLUMN audit_note text DEFAULT 'from the fault tests'");
    UUID id = UUID.randomUUID();
    try (Connection connection = pipeline.orders().openConnection();
         PreparedStatement insert = connection.prepareStatement("INSERT INTO outbox_event (id, aggregatetype, "
             + "aggregateid, type, payload, audit_note) VALUES (?, 'order', 'hand-extra', 'OrderPlaced', ?::jsonb, ?)")) {
      insert.setObject(1, id);
      insert.setString(2, EffectHandler.payload("hand-extra", 0, 1));
      insert.setString(3, "a value in a column the relay does not know");
      insert.executeUpdate();
    }
    pipeline.committedByHand(id.toString());
    pipeline.awaitApplied(id.toString());
    assertNextEventOnTheSameKeyIsApplied("hand-extra", 1);

    execute("ALTER TABLE outbox_event DROP COLUMN audit_note");
    assertNextEventOnTheSameKeyIsApplied("hand-extra", 2);
    ConsumerRecord<byte[], byte[]> record = recordsOf(id).get(0);
    assertThat(record.headers().lastHeader("audit_note")).isNull();
    assertThat(relay.state()).isEqualTo(RelayState.ACTIVE);
    System.out.printf("[bad-outbox-rows] unknown column added, filled and dropped while the relay ran: events "
        + "before, with and after it applied; record headers %s; relay %s%n", headerNames(record), relay.state());
  }

  @Test
  @Order(5)
  void updateAndDeleteOfOutboxRowsAreIgnored() throws SQLException {
    UUID updated = pipeline.writeOrderEvent("hand-update", 0);
    UUID deleted = pipeline.writeOrderEvent("hand-delete", 0);
    pipeline.awaitApplied(updated.toString());
    pipeline.awaitApplied(deleted.toString());

    execute("UPDATE outbox_event SET payload = '{\"orderId\": \"hand-update\", \"seq\": 0, \"amount\": -1}', "
        + "type = 'OrderTampered' WHERE id = '" + updated + "'");
    execute("DELETE FROM outbox_event WHERE id = '" + deleted + "'");
    assertNextEventOnTheSameKeyIsApplied("hand-update", 1);
    assertNextEventOnTheSameKeyIsApplied("hand-delete", 1);

    assertThat(recordsOf(updated)).as("records of the updated event").hasSize(1);
    assertThat(recordsOf(deleted)).as("records of the deleted event").hasSize(1);
    assertThat(header(recordsOf(updated).get(0), OutboxHeaders.EVENT_TYPE)).isEqualTo(OrderWriters.EVENT_TYPE);
    assertThat(pipeline.effectsOf(updated.toString())).isEqualTo(1);
    assertThat(Pipeline.single(pipeline.billing(), "SELECT amount FROM effect WHERE event_id = '" + updated + "'"))
        .as("the effect keeps the original amount").isEqualTo(1);
    System.out.printf("[bad-outbox-rows] UPDATE and DELETE of published outbox rows: no record, no effect "
        + "(1 record and 1 effect each, as before)%n");
  }

  @Test
  @Order(6)
  void payloadOverKafkasLimitIsRefusedByTheWriterAndDeadLetteredByTheRelay() {
    String huge = "{\"orderId\": \"hand-huge\", \"seq\": 0, \"amount\": 1, \"blob\": \""
        + "0123456789abcdef".repeat(96 * 1024) + "\"}"; // 1.5 MiB
    assertThatThrownBy(() -> pipeline.writeOrderEvent(pipeline.writer(), "hand-huge", 0, huge))
        .isInstanceOf(InvalidEventException.class)
        .satisfies(e -> System.out.printf("[bad-outbox-rows] writer with its default limit refuses: %s%n",
            e.getMessage()))
        .hasMessageContaining("more than the limit");

    OutboxWriter lenient = OutboxWriter.builder(pipeline.orders().dataSource()).maxPayloadBytes(4 * 1024 * 1024).build();
    UUID id = pipeline.writeOrderEvent(lenient, "hand-huge", 0, huge);
    expectedDeadLetters++;
    ConsumerRecord<byte[], byte[]> dead = await("relay dead letter of " + id).atMost(Pipeline.RECOVERY_TIMEOUT)
        .pollInterval(Duration.ofMillis(500))
        .until(() -> TopicReader.readAll(pipeline.bootstrapServers(), pipeline.relayDeadLetterTopic(),
                Pipeline.READ_TIMEOUT).stream()
            .filter(r -> id.toString().equals(header(r, DeadLetterHeaders.EVENT_ID))).findFirst(),
            found -> found.isPresent()).orElseThrow();
    String error = header(dead, DeadLetterHeaders.ERROR_CLASS);
    System.out.printf("[bad-outbox-rows] writer with a 4 MiB limit commits it; the relay dead-letters it on %s: %s, "
        + "%s: %s (value size %s)%n", pipeline.relayDeadLetterTopic(), header(dead, DeadLetterHeaders.REASON), error,
        header(dead, DeadLetterHeaders.ERROR_MESSAGE), header(dead, DeadLetterHeaders.VALUE_SIZE));
    assertThat(header(dead, DeadLetterHeaders.REASON)).isEqualTo(DeadLetterHeaders.REASON_UNPUBLISHABLE);
    assertThat(error).isEqualTo("org.apache.kafka.common.errors.RecordTooLargeException");
    assertNextEventOnTheSameKeyIsApplied("hand-huge", 1);
  }

  // ------------------------------------------------------------------ helpers

  private void insertByHand(UUID id, String aggregateId, String payload) throws SQLException {
    try (Connection connection = pipeline.orders().openConnection(); PreparedStatement insert = connection.prepareStatement(INSERT)) {
      insert.setObject(1, id);
      insert.setString(2, OrderWriters.AGGREGATE_TYPE);
      insert.setString(3, aggregateId);
      insert.setString(4, OrderWriters.EVENT_TYPE);
      insert.setString(5, payload);
      insert.executeUpdate();
    }
  }

  private void assertNextEventOnTheSameKeyIsApplied(String orderId, int seq) {
    UUID next = pipeline.writeOrderEvent(orderId, seq);
    pipeline.awaitApplied(next.toString());
  }

  private long outboxRows(UUID id) {
    return Pipeline.single(pipeline.orders(), "SELECT count(*) FROM outbox_event WHERE id = '" + id + "'");
  }

  private void execute(String sql) throws SQLException {
    try (Connection connection = pipeline.orders().openConnection(); Statement statement = connection.createStatement()) {
      statement.execute(sql);
    }
  }

  private ConsumerRecord<byte[], byte[]> awaitConsumerDeadLetter(UUID id) {
    return await("consumer dead letter of " + id).atMost(Pipeline.RECOVERY_TIMEOUT).pollInterval(Duration.ofMillis(500))
        .until(() -> TopicReader.readAll(pipeline.bootstrapServers(), pipeline.consumerDeadLetterTopic(),
                Pipeline.READ_TIMEOUT).stream()
            .filter(r -> id.toString().equals(header(r, OutboxHeaders.ID))).findFirst(), found -> found.isPresent())
        .orElseThrow();
  }

  private List<ConsumerRecord<byte[], byte[]>> recordsOf(UUID id) {
    return TopicReader.readAll(pipeline.bootstrapServers(), pipeline.topic(), Pipeline.READ_TIMEOUT).stream()
        .filter(r -> id.toString().equals(header(r, OutboxHeaders.ID))).toList();
  }

  private static String header(ConsumerRecord<byte[], byte[]> record, String name) {
    return TopicReader.header(record, name);
  }

  private static List<String> headerNames(ConsumerRecord<byte[], byte[]> record) {
    return java.util.stream.StreamSupport.stream(record.headers().spliterator(), false).map(h -> h.key()).toList();
  }

  private static String firstLine(String message) {
    int newline = message.indexOf('\n');
    return newline < 0 ? message : message.substring(0, newline);
  }

}
