package io.outboxkit.writer;

import static org.assertj.core.api.Assertions.assertThat;

import io.outboxkit.core.OutboxEvent;
import io.outboxkit.core.OutboxReplication;
import io.outboxkit.core.WalMessageEnvelope;
import io.outboxkit.core.WriteMode;
import io.outboxkit.test.OutboxIntegrationTest;
import io.outboxkit.test.TestDatabase;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** WAL_MESSAGE: one transactional logical message per event, no table at all. */
@OutboxIntegrationTest
class WalMessageModeIT {

  @Test
  void aCommittedEventIsAMessageWithEveryFieldAsGivenAndThePayloadUnchanged(TestDatabase db) throws Exception {
    LogicalSlot slot = LogicalSlot.testDecoding(db); // no outbox table is installed: none is needed
    OutboxWriter writer = OutboxWriter.builder(db.dataSource()).mode(WriteMode.WAL_MESSAGE).build();
    List<String> payloads = List.of(
        "{\"orderId\":\"order-42\",\"total\":10.50,\"lines\":[{\"sku\":\"A\",\"qty\":2}]}",
        "[1,\"two\",{\"three\":null},[]]",
        "98765432109876543210987654321098765432109876543210",
        "\"Grüße aus 東京 \uD83D\uDE00 \\u00e9\"",
        "{ \"spaced\" : [ 1 , 2 ] , \"nested\" : { \"n\" : null } }",
        "null");
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put("tenant", "acme");
    headers.put("source", "web");
    Instant before = Instant.now().minusSeconds(5);

    List<UUID> ids = new ArrayList<>();
    try (Connection connection = db.openConnection()) {
      connection.setAutoCommit(false);
      for (String payload : payloads) {
        ids.add(writer.publish(connection, new OutboxEvent("order", "order-42", "OrderChanged", payload, headers)));
      }
      ids.add(writer.publish(connection, "order", "order-42", "OrderDeleted", null));
      connection.commit();
    }

    List<String> messages = slot.testDecodingMessages(OutboxReplication.DEFAULT_WAL_MESSAGE_PREFIX);
    assertThat(messages).hasSize(payloads.size() + 1);
    for (int i = 0; i < payloads.size(); i++) {
      WalMessageEnvelope envelope = WalMessageEnvelope.fromJson(messages.get(i));
      assertThat(envelope.id()).isEqualTo(ids.get(i));
      assertThat(envelope.aggregateType()).isEqualTo("order");
      assertThat(envelope.aggregateId()).isEqualTo("order-42");
      assertThat(envelope.eventType()).isEqualTo("OrderChanged");
      assertThat(envelope.payload().getBytes(StandardCharsets.UTF_8))
          .as("payload %s byte for byte", i).isEqualTo(payloads.get(i).getBytes(StandardCharsets.UTF_8));
      assertThat(envelope.headers()).containsExactly(Map.entry("tenant", "acme"), Map.entry("source", "web"));
      assertThat(envelope.tracingSpanContext()).isNull();
      assertThat(envelope.createdAt()).isBetween(before, Instant.now().plusSeconds(5));
    }
    WalMessageEnvelope deleted = WalMessageEnvelope.fromJson(messages.get(payloads.size()));
    assertThat(deleted.payload()).isNull();
    assertThat(deleted.headers()).isEmpty();
    assertThat(messages.get(payloads.size())).doesNotContain("\"payload\"");
  }

  @Test
  void aRolledBackTransactionEmitsNothing(TestDatabase db) throws Exception {
    LogicalSlot slot = LogicalSlot.testDecoding(db);
    OutboxWriter writer = OutboxWriter.builder(db.dataSource()).mode(WriteMode.WAL_MESSAGE).build();

    try (Connection connection = db.openConnection()) {
      connection.setAutoCommit(false);
      writer.publish(connection, "order", "1", "OrderCreated", "{}");
      writer.publishAll(connection, List.of(OutboxEvent.of("order", "1", "A", "{}"),
          OutboxEvent.of("order", "1", "B", "{}")));
      connection.rollback();
    }

    assertThat(slot.testDecodingChanges()).noneMatch(change -> change.startsWith("message:"));
  }

  @Test
  void aThousandEventsInOneTransactionAreAThousandMessagesInOrder(TestDatabase db) throws Exception {
    LogicalSlot slot = LogicalSlot.testDecoding(db);
    OutboxWriter writer = OutboxWriter.builder(db.dataSource()).mode(WriteMode.WAL_MESSAGE)
        .walMessagePrefix("shop.orders-v1").build();
    List<OutboxEvent> events = new ArrayList<>();
    for (int i = 0; i < 1_000; i++) {
      events.add(OutboxEvent.of("order", "order-" + (i % 13), "OrderLine", "{\"line\":" + i + "}"));
    }

    List<UUID> ids;
    try (Connection connection = db.openConnection()) {
      connection.setAutoCommit(false);
      ids = writer.publishAll(connection, events);
      connection.commit();
    }

    List<String> messages = slot.testDecodingMessages("shop.orders-v1");
    assertThat(messages).hasSize(1_000);
    assertThat(slot.testDecodingMessages(OutboxReplication.DEFAULT_WAL_MESSAGE_PREFIX)).isEmpty();
    for (int i = 0; i < 1_000; i++) {
      WalMessageEnvelope envelope = WalMessageEnvelope.fromJson(messages.get(i));
      assertThat(envelope.id()).isEqualTo(ids.get(i));
      assertThat(envelope.payload()).isEqualTo("{\"line\":" + i + "}");
      assertThat(envelope.aggregateId()).isEqualTo("order-" + (i % 13));
    }
  }

  @Test
  void concurrentWritersEmitEveryMessageOnce(TestDatabase db) throws Exception {
    LogicalSlot slot = LogicalSlot.testDecoding(db);
    OutboxWriter writer = OutboxWriter.builder(db.dataSource()).mode(WriteMode.WAL_MESSAGE)
        .allowWritesOutsideTransaction(true).build();
    List<UUID> ids = java.util.Collections.synchronizedList(new ArrayList<>());
    List<Thread> threads = new ArrayList<>();
    for (int t = 0; t < 4; t++) {
      int thread = t;
      Thread writerThread = new Thread(() -> {
        for (int i = 0; i < 50; i++) {
          ids.add(writer.publish("order", "t" + thread, "OrderCreated", "{\"i\":" + i + "}"));
        }
      });
      writerThread.start();
      threads.add(writerThread);
    }
    for (Thread thread : threads) {
      thread.join(Duration.ofMinutes(2).toMillis());
    }

    List<UUID> emitted = slot.testDecodingMessages(OutboxReplication.DEFAULT_WAL_MESSAGE_PREFIX).stream()
        .map(m -> WalMessageEnvelope.fromJson(m).id()).toList();
    assertThat(ids).hasSize(200).doesNotHaveDuplicates();
    assertThat(emitted).containsExactlyInAnyOrderElementsOf(ids);
  }
}
