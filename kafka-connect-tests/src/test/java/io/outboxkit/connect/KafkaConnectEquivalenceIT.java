package io.outboxkit.connect;

import static io.outboxkit.connect.ConnectFixture.header;
import static io.outboxkit.connect.ConnectFixture.headerNames;
import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.context.Scope;
import io.outboxkit.core.OutboxEvent;
import io.outboxkit.core.OutboxHeaders;
import io.outboxkit.core.WriteMode;
import io.outboxkit.relay.KafkaConnectConfig;
import io.outboxkit.relay.OutboxRelay;
import io.outboxkit.test.OutboxIntegrationTest;
import io.outboxkit.test.TestDatabase;
import io.outboxkit.test.TestKafka;
import io.outboxkit.writer.OutboxSchema;
import io.outboxkit.writer.OutboxWriter;
import java.nio.file.Path;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Debezium's PostgreSQL connector with the Outbox Event Router on a real Kafka Connect worker, configured with
 * exactly what {@link KafkaConnectConfig} generates from a relay's settings, against the relay itself: each
 * reads the same outbox (its own slot, the same publication) and writes its own topics. For every event
 * written by {@link OutboxWriter}: the same topic name after the prefix, the same key, value and {@code id} and
 * {@code eventType} header bytes, events of rolled-back transactions in neither, the order per key the same;
 * and what differs is exactly the writer's extra headers and the trace context, as the relay's README says.
 */
@OutboxIntegrationTest
class KafkaConnectEquivalenceIT {

  /** RecordFormatIT's payloads: a lossy JSON round trip would change each of them. */
  private static final List<String> EDGE_PAYLOADS = List.of(
      "{\"orderId\": \"o-1\", \"total\": 10.50, \"lines\": [{\"sku\": \"a\", \"qty\": 2}], \"note\": null}",
      "{\"empty\": [], \"emptyObject\": {}, \"mixed\": [1, \"two\", null, true, {\"x\": 1}]}",
      "[1, 2, 3]",
      "\"just a string\"",
      "12345678901234567890123456789012345678901234567890",
      "{\"unicode\": \"grüße \\u00e9 ✓ 日本\", \"escaped\": \"line\\nbreak \\\"quoted\\\"\"}",
      "{\"b\": 1, \"a\": {\"nested\": {\"deep\": [[], [{}]]}}, \"float\": 1.0E+2}",
      "null");

  private static final List<String> TYPES = List.of("order", "customer", "payment");
  private static final int LOAD = 600;
  private static final int PER_TRANSACTION = 20;
  private static final int KEYS = 8;

  @Test
  void theConnectorGivesTheRelaysRecordsForTheSameEvents(TestDatabase db, TestKafka kafka, @TempDir Path dir)
      throws Exception {
    String relaySlot = db.name();
    String connectSlot = db.name() + "_connect";
    String relayPrefix = kafka.newTopic("relay") + ".";
    String connectPrefix = kafka.newTopic("connect") + ".";
    OutboxSchema.builder().replicationSlot(relaySlot).build().install(db.dataSource());
    OutboxRelay.Builder connectSettings = ConnectFixture.relay(db, kafka, connectSlot, connectPrefix);
    try (OutboxRelay slotOnly = connectSettings.build()) {
      slotOnly.prepareReplication(); // the connector's slot exists before the first event, as the relay's does
    }

    Map<String, Event> written = new LinkedHashMap<>(); // id -> event, in commit order
    List<String> rolledBack = new ArrayList<>();
    try (ConnectWorker worker = ConnectWorker.start(kafka.bootstrapServers(), dir);
        OutboxRelay relay = ConnectFixture.relay(db, kafka, relaySlot, relayPrefix).build()) {
      String passwordReference = worker.passwordReference(db.password());
      KafkaConnectConfig connector = KafkaConnectConfig.of(connectSettings, passwordReference);
      assertThat(connector.config()).containsEntry("database.password", passwordReference);
      worker.deployFromPropertiesFile(connector);
      worker.awaitRunning(connector.name());
      relay.start();
      ConnectFixture.awaitActive(relay);

      write(db, written, rolledBack);

      Map<String, ConsumerRecord<byte[], byte[]>> fromRelay = new HashMap<>();
      Map<String, ConsumerRecord<byte[], byte[]>> fromConnect = new HashMap<>();
      Map<String, List<String>> relayOrder = new HashMap<>();
      Map<String, List<String>> connectOrder = new HashMap<>();
      int relayRecords = 0;
      int connectRecords = 0;
      for (String type : TYPES) {
        List<String> ids = written.values().stream().filter(e -> e.type.equals(type)).map(e -> e.id).toList();
        List<ConsumerRecord<byte[], byte[]>> relayed = ConnectFixture.readAll(kafka, relayPrefix + type, ids);
        List<ConsumerRecord<byte[], byte[]>> connected = ConnectFixture.readAll(kafka, connectPrefix + type, ids);
        relayRecords += relayed.size();
        connectRecords += connected.size();
        index(relayed, fromRelay, relayOrder);
        index(connected, fromConnect, connectOrder);
      }
      assertThat(relayRecords).as("records the relay sent").isEqualTo(written.size());
      assertThat(connectRecords).as("records the connector sent").isEqualTo(written.size());
      assertThat(fromConnect.keySet()).doesNotContainAnyElementsOf(rolledBack).containsOnlyOnceElementsOf(written.keySet());
      assertThat(fromRelay.keySet()).doesNotContainAnyElementsOf(rolledBack);

      int identical = 0;
      int edgeCases = 0;
      for (Event event : written.values()) {
        ConsumerRecord<byte[], byte[]> ours = fromRelay.get(event.id);
        ConsumerRecord<byte[], byte[]> theirs = fromConnect.get(event.id);
        assertThat(theirs.topic().substring(connectPrefix.length()))
            .isEqualTo(ours.topic().substring(relayPrefix.length())).isEqualTo(event.type);
        assertThat(theirs.key()).as("key of %s", event.id).isEqualTo(ours.key());
        assertThat(theirs.value()).as("value of %s (%s)", event.id, event.payload).isEqualTo(ours.value());
        for (String name : List.of(OutboxHeaders.ID, OutboxHeaders.EVENT_TYPE)) {
          assertThat(theirs.headers().lastHeader(name).value()).as("header %s of %s", name, event.id)
              .isEqualTo(ours.headers().lastHeader(name).value());
        }
        // the difference, exactly: the connector gives id and eventType only; the relay adds the trace context
        // and the writer's extra headers
        assertThat(headerNames(theirs)).as("the connector's headers").containsExactly("id", "eventType");
        List<String> extra = new ArrayList<>(headerNames(ours));
        extra.removeAll(List.of("id", "eventType"));
        assertThat(extra).as("what only the relay gives for %s", event.id).isEqualTo(event.relayOnlyHeaders);
        identical++;
        if (event.edgeCase) {
          edgeCases++;
        }
      }
      assertThat(connectOrder).as("ids per key in partition order, connector").isEqualTo(expectedOrder(written));
      assertThat(relayOrder).as("ids per key in partition order, relay").isEqualTo(expectedOrder(written));
      assertThat(edgeCases).isEqualTo(EDGE_PAYLOADS.size() + 1);
      System.out.printf("Kafka Connect equivalence: %d committed events (%d edge-case payloads, 1 traced with 2 "
              + "writer headers), %d rolled back; relay %d records, connector %d records; topic, key, value, id and "
              + "eventType identical for %d of %d; order per key identical for %d keys; connector headers "
              + "[id, eventType] only%n", written.size(), edgeCases, rolledBack.size(), relayRecords, connectRecords,
          identical, written.size(), connectOrder.size());
    }
  }

  private static void write(TestDatabase db, Map<String, Event> written, List<String> rolledBack) throws Exception {
    OutboxWriter writer = OutboxWriter.builder(db.dataSource()).mode(WriteMode.TABLE).build();
    try (Connection connection = db.openConnection()) {
      connection.setAutoCommit(false);
      // the payload edge cases, and a record without value
      for (int i = 0; i <= EDGE_PAYLOADS.size(); i++) {
        String payload = i < EDGE_PAYLOADS.size() ? EDGE_PAYLOADS.get(i) : null;
        Event event = new Event("order", "edge-" + i, payload, true, List.of());
        event.id = writer.publish(connection, OutboxEvent.of("order", event.key, "EdgeCase", payload)).toString();
        written.put(event.id, event);
      }
      connection.commit();
      // an event with extra headers, written under a span: the writer stores its trace context
      SpanContext span = SpanContext.create("4bf92f3577b34da6a3ce929d0e0e4736", "00f067aa0ba902b7",
          TraceFlags.getSampled(), TraceState.builder().put("rojo", "00f067aa0ba902b7").build());
      try (Scope scope = Span.wrap(span).makeCurrent()) {
        Event traced = new Event("payment", "p-7", "{\"amount\": 12, \"currency\": \"EUR\"}", false,
            List.of(OutboxHeaders.TRACEPARENT, OutboxHeaders.TRACESTATE, "region", "tenant"));
        traced.id = writer.publish(connection, OutboxEvent.of("payment", "p-7", "PaymentCaptured", traced.payload)
            .withHeader("tenant", "acme").withHeader("region", "eu-1")).toString();
        written.put(traced.id, traced);
        connection.commit();
      }
      // counted events over several keys and types, with a rolled-back transaction now and then
      int[] seq = new int[KEYS * TYPES.size()];
      for (int t = 0; t < LOAD / PER_TRANSACTION; t++) {
        List<Event> batch = new ArrayList<>();
        for (int i = 0; i < PER_TRANSACTION; i++) {
          int n = t * PER_TRANSACTION + i;
          String type = TYPES.get(n % TYPES.size());
          int key = (n * 7 + n / KEYS) % KEYS;
          String payload = "{\"seq\": " + seq[TYPES.indexOf(type) * KEYS + key] + ", \"n\": " + n + "}";
          Event event = new Event(type, type + "-" + key, payload, false, List.of());
          event.id = writer.publish(connection, OutboxEvent.of(type, event.key, "Counted", payload)).toString();
          batch.add(event);
          if (t % 7 != 3) {
            seq[TYPES.indexOf(type) * KEYS + key]++;
          }
        }
        if (t % 7 == 3) {
          connection.rollback();
          batch.forEach(e -> rolledBack.add(e.id));
        } else {
          connection.commit();
          batch.forEach(e -> written.put(e.id, e));
        }
      }
    }
  }

  private static void index(List<ConsumerRecord<byte[], byte[]>> records, Map<String, ConsumerRecord<byte[], byte[]>> byId,
      Map<String, List<String>> order) {
    List<ConsumerRecord<byte[], byte[]>> sorted = new ArrayList<>(records);
    sorted.sort((a, b) -> a.partition() != b.partition() ? Integer.compare(a.partition(), b.partition())
        : Long.compare(a.offset(), b.offset()));
    for (ConsumerRecord<byte[], byte[]> record : sorted) {
      String id = header(record, OutboxHeaders.ID);
      byId.put(id, record);
      order.computeIfAbsent(record.topic().substring(record.topic().lastIndexOf('.') + 1) + "/"
          + ConnectFixture.text(record.key()), k -> new ArrayList<>()).add(id);
    }
  }

  private static Map<String, List<String>> expectedOrder(Map<String, Event> written) {
    Map<String, List<String>> order = new HashMap<>();
    written.values().forEach(e -> order.computeIfAbsent(e.type + "/" + e.key, k -> new ArrayList<>()).add(e.id));
    return order;
  }

  private static final class Event {
    final String type;
    final String key;
    final String payload;
    final boolean edgeCase;
    final List<String> relayOnlyHeaders;
    String id;

    Event(String type, String key, String payload, boolean edgeCase, List<String> relayOnlyHeaders) {
      this.type = type;
      this.key = key;
      this.payload = payload;
      this.edgeCase = edgeCase;
      this.relayOnlyHeaders = relayOnlyHeaders;
    }
  }
}
