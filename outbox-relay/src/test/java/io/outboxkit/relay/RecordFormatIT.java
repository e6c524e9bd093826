package io.outboxkit.relay;

import static io.outboxkit.relay.RelayFixture.header;
import static io.outboxkit.relay.RelayFixture.text;
import static org.assertj.core.api.Assertions.assertThat;

import io.outboxkit.core.OutboxEvent;
import io.outboxkit.core.OutboxHeaders;
import io.outboxkit.test.OutboxIntegrationTest;
import io.outboxkit.test.TestDatabase;
import io.outboxkit.test.TestKafka;
import io.outboxkit.writer.OutboxWriter;
import io.outboxkit.core.WriteMode;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.Test;

/** Every field of the Kafka record the relay produces, against the row PostgreSQL holds. */
@OutboxIntegrationTest
class RecordFormatIT {

  private static final String TRACEPARENT = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

  /** Payloads that a lossy JSON round trip would change; each must come out as PostgreSQL renders it. */
  private static final List<String> PAYLOADS = List.of(
      "{\"orderId\": \"o-1\", \"total\": 10.50, \"lines\": [{\"sku\": \"a\", \"qty\": 2}], \"note\": null}",
      "{\"empty\": [], \"emptyObject\": {}, \"mixed\": [1, \"two\", null, true, {\"x\": 1}]}",
      "[1, 2, 3]",
      "\"just a string\"",
      "12345678901234567890123456789012345678901234567890",
      "{\"unicode\": \"grüße \\u00e9 ✓ 日本\", \"escaped\": \"line\\nbreak \\\"quoted\\\"\"}",
      "{\"b\": 1, \"a\": {\"nested\": {\"deep\": [[], [{}]]}}, \"float\": 1.0E+2}",
      "null");

  @Test
  void recordCarriesTopicKeyPayloadAndHeadersExactly(TestDatabase db, TestKafka kafka) throws Exception {
    RelayFixture.installSchema(db);
    String prefix = kafka.newTopic("fmt") + ".";
    String topic = prefix + "order";
    Map<String, String> ids = new LinkedHashMap<>(); // id -> expected payload::text (null for SQL NULL)

    try (OutboxRelay relay = RelayFixture.relay(db, kafka, prefix).build()) {
      relay.start();
      RelayFixture.awaitActive(relay);

      RelayFixture.inTransaction(db, connection -> {
        int i = 0;
        for (String payload : PAYLOADS) {
          UUID id = UUID.randomUUID();
          insert(connection, id, "order", "order-" + (i++), "OrderCreated", payload,
              i == 1 ? "traceparent=" + TRACEPARENT + "\ntracestate=rojo=00f067aa0ba902b7,congo=t61rcWkgMzE\n" : null,
              i == 1 ? "{\"tenant\": \"acme\", \"source\": \"web\", \"attempt\": 3}" : null);
          ids.put(id.toString(), null);
        }
        UUID nullPayload = UUID.randomUUID();
        insert(connection, nullPayload, "order", "order-null", "OrderDeleted", null, null, null);
        ids.put(nullPayload.toString(), null);
      });
      expectedPayloads(db, ids);

      List<ConsumerRecord<byte[], byte[]>> records = kafka.readRecords(topic, ids.size(), RelayFixture.TIMEOUT);
      assertThat(records).hasSize(ids.size());
      Map<String, ConsumerRecord<byte[], byte[]>> byId = records.stream()
          .collect(Collectors.toMap(r -> header(r, OutboxHeaders.ID), r -> r));
      assertThat(byId.keySet()).containsExactlyInAnyOrderElementsOf(ids.keySet());

      int n = 0;
      for (Map.Entry<String, String> expected : ids.entrySet()) {
        ConsumerRecord<byte[], byte[]> record = byId.get(expected.getKey());
        assertThat(record.topic()).isEqualTo(topic);
        assertThat(header(record, OutboxHeaders.ID)).hasSize(36).isEqualTo(expected.getKey().toLowerCase());
        if (expected.getValue() == null) {
          assertThat(record.value()).as("SQL NULL payload").isNull();
          assertThat(text(record.key())).isEqualTo("order-null");
          assertThat(header(record, OutboxHeaders.EVENT_TYPE)).isEqualTo("OrderDeleted");
        } else {
          assertThat(record.value()).as("value bytes of event %s", n)
              .isEqualTo(expected.getValue().getBytes(StandardCharsets.UTF_8));
          assertThat(text(record.key())).isEqualTo("order-" + n);
          assertThat(header(record, OutboxHeaders.EVENT_TYPE)).isEqualTo("OrderCreated");
        }
        n++;
      }

      ConsumerRecord<byte[], byte[]> traced = byId.get(ids.keySet().iterator().next());
      assertThat(headerNames(traced)).containsExactly(
          "id", "eventType", "traceparent", "tracestate", "source", "tenant", "attempt");
      assertThat(header(traced, OutboxHeaders.TRACEPARENT)).isEqualTo(TRACEPARENT);
      assertThat(header(traced, OutboxHeaders.TRACESTATE)).isEqualTo("rojo=00f067aa0ba902b7,congo=t61rcWkgMzE");
      assertThat(header(traced, "tenant")).isEqualTo("acme");
      assertThat(header(traced, "source")).isEqualTo("web");
      assertThat(header(traced, "attempt")).isEqualTo("3");
      ConsumerRecord<byte[], byte[]> plain = byId.get(new ArrayList<>(ids.keySet()).get(1));
      assertThat(headerNames(plain)).containsExactly("id", "eventType");
      System.out.printf("record format: %d records checked on %s; value bytes equal payload::text for %d of %d%n",
          records.size(), topic, PAYLOADS.size(), PAYLOADS.size());
    }
  }

  @Test
  void eventsOfTheWriterArriveWithTheirHeadersAndTraceContext(TestDatabase db, TestKafka kafka) throws Exception {
    RelayFixture.installSchema(db);
    String prefix = kafka.newTopic("writer") + ".";
    OutboxWriter writer = RelayFixture.writer(db, WriteMode.TABLE);
    try (OutboxRelay relay = RelayFixture.relay(db, kafka, prefix).build()) {
      relay.start();
      UUID id;
      try (Connection connection = db.openConnection()) {
        connection.setAutoCommit(false);
        id = writer.publish(connection, OutboxEvent.of("payment", "p-7", "PaymentCaptured",
            Map.of("amount", 12, "currency", "EUR")).withHeader("tenant", "acme").withHeader("region", "eu-1"));
        connection.commit();
      }
      List<ConsumerRecord<byte[], byte[]>> records =
          kafka.readRecords(prefix + "payment", 1, RelayFixture.TIMEOUT);
      ConsumerRecord<byte[], byte[]> record = records.get(0);
      assertThat(text(record.key())).isEqualTo("p-7");
      assertThat(header(record, OutboxHeaders.ID)).isEqualTo(id.toString());
      assertThat(header(record, OutboxHeaders.EVENT_TYPE)).isEqualTo("PaymentCaptured");
      assertThat(header(record, "tenant")).isEqualTo("acme");
      assertThat(header(record, "region")).isEqualTo("eu-1");
      assertThat(text(record.value())).isEqualTo(payloadText(db, id));
    }
  }

  static void insert(Connection connection, UUID id, String aggregateType, String aggregateId, String type,
      String payload, String tracing, String headers) throws java.sql.SQLException {
    try (PreparedStatement insert = connection.prepareStatement(
        "INSERT INTO outbox_event (id, aggregatetype, aggregateid, type, payload, tracingspancontext, headers)"
            + " VALUES (?, ?, ?, ?, ?::jsonb, ?, ?::jsonb)")) {
      insert.setObject(1, id);
      insert.setString(2, aggregateType);
      insert.setString(3, aggregateId);
      insert.setString(4, type);
      insert.setString(5, payload);
      insert.setString(6, tracing);
      insert.setString(7, headers);
      insert.executeUpdate();
    }
  }

  private static void expectedPayloads(TestDatabase db, Map<String, String> ids) throws Exception {
    for (String id : ids.keySet()) {
      ids.put(id, payloadText(db, UUID.fromString(id)));
    }
  }

  static String payloadText(TestDatabase db, UUID id) throws Exception {
    try (Connection connection = db.openConnection();
        PreparedStatement select = connection.prepareStatement("SELECT payload::text FROM outbox_event WHERE id = ?")) {
      select.setObject(1, id);
      try (ResultSet row = select.executeQuery()) {
        row.next();
        return row.getString(1);
      }
    }
  }

  private static List<String> headerNames(ConsumerRecord<byte[], byte[]> record) {
    List<String> names = new ArrayList<>();
    for (Header header : record.headers()) {
      names.add(header.key());
    }
    return names;
  }
}
