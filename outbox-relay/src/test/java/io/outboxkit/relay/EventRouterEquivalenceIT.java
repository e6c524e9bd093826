package io.outboxkit.relay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.debezium.embedded.Connect;
import io.debezium.engine.DebeziumEngine;
import io.debezium.engine.RecordChangeEvent;
import io.debezium.engine.format.ChangeEventFormat;
import io.debezium.transforms.outbox.EventRouter;
import io.outboxkit.core.OutboxHeaders;
import io.outboxkit.test.OutboxIntegrationTest;
import io.outboxkit.test.TestDatabase;
import io.outboxkit.test.TestKafka;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.connect.header.Header;
import org.apache.kafka.connect.source.SourceRecord;
import org.apache.kafka.connect.storage.StringConverter;
import org.junit.jupiter.api.Test;

/**
 * Debezium's own Outbox Event Router, configured as {@link KafkaConnectConfig} generates it for Kafka Connect,
 * turns the very same change events into the same records as the relay: topic, key, value bytes and the
 * {@code id} and {@code eventType} headers. That is what lets a deployment move to Debezium on Kafka Connect unchanged.
 */
@OutboxIntegrationTest
class EventRouterEquivalenceIT {

  private static final List<String> PAYLOADS = List.of(
      "{\"orderId\": \"o-1\", \"total\": 10.50, \"lines\": [{\"sku\": \"a\", \"qty\": 2}], \"note\": null}",
      "{\"empty\": [], \"emptyObject\": {}, \"mixed\": [1, \"two\", null, true, {\"x\": 1}]}",
      "{\"big\": 123456789012345678901234567890, \"float\": 1.0E+2, \"neg\": -0.000001}",
      "{\"unicode\": \"grüße \\u00e9 ✓ 日本\", \"escaped\": \"line\\nbreak \\\"quoted\\\"\"}",
      "{\"b\": 1, \"a\": {\"nested\": {\"deep\": [[], [{}]]}}}");

  private static final int EVENTS = 1000;

  @Test
  void eventRouterAndRelayMakeIdenticalRecordsFromTheSameChangeEvents(TestDatabase db, TestKafka kafka)
      throws Exception {
    RelayFixture.installSchema(db);
    String prefix = "outbox.event.";
    OutboxRelay.Builder relay = RelayFixture.relay(db, kafka, prefix);
    RelaySettings settings = RelaySettings.from(relay);
    RelayDatabase database = new RelayDatabase(settings);
    try (Connection connection = database.connect("test")) {
      database.prepare(connection);
    }

    List<SourceRecord> captured = Collections.synchronizedList(new ArrayList<>());
    DebeziumEngine<RecordChangeEvent<SourceRecord>> engine = DebeziumEngine.create(ChangeEventFormat.of(Connect.class))
        .using(EngineProperties.of(settings))
        .notifying((records, committer) -> {
          for (RecordChangeEvent<SourceRecord> record : records) {
            captured.add(record.record());
            committer.markProcessed(record);
          }
          committer.markBatchFinished();
        })
        .build();
    ExecutorService executor = Executors.newSingleThreadExecutor();
    executor.execute(engine);
    try {
      RelayFixture.inTransaction(db, connection -> {
        for (int i = 0; i < EVENTS; i++) {
          RecordFormatIT.insert(connection, UUID.randomUUID(), i % 3 == 0 ? "order" : "customer",
              "agg-" + (i % 17), "Type" + (i % 4), PAYLOADS.get(i % PAYLOADS.size()),
              null, i % 2 == 0 ? "{\"tenant\": \"acme\"}" : null);
        }
      });
      await().atMost(RelayFixture.TIMEOUT).until(() -> outboxRecords(captured, settings).size() >= EVENTS);
    } finally {
      engine.close();
      executor.shutdown();
    }

    // the router's settings exactly as the generated Kafka Connect configuration gives them
    Map<String, String> routerSettings = new HashMap<>();
    KafkaConnectConfig.of(relay, KafkaConnectConfig.DEFAULT_PASSWORD_REFERENCE).config().forEach((key, value) -> {
      if (key.startsWith("transforms.outbox.") && !key.equals("transforms.outbox.type")
          && !key.equals("transforms.outbox.predicate")) {
        routerSettings.put(key.substring("transforms.outbox.".length()), value);
      }
    });
    assertThat(routerSettings).containsEntry("route.topic.replacement", prefix + "${routedByValue}");
    EventRouter<SourceRecord> router = new EventRouter<>();
    router.configure(routerSettings);
    StringConverter keys = converter(true);
    StringConverter values = converter(false);
    RecordMapper mapper = new RecordMapper(settings);

    int compared = 0;
    int valueBytesEqual = 0;
    for (SourceRecord change : outboxRecords(captured, settings)) {
      RecordMapper.Event ours = (RecordMapper.Event) mapper.map(change);
      ProducerRecord<byte[], byte[]> relayRecord = ours.record();
      SourceRecord routed = router.apply(change);

      assertThat(relayRecord.topic()).isEqualTo(routed.topic());
      assertThat(relayRecord.key()).isEqualTo(keys.fromConnectData(routed.topic(), routed.keySchema(), routed.key()));
      byte[] routedValue = values.fromConnectData(routed.topic(), routed.valueSchema(), routed.value());
      assertThat(relayRecord.value()).isEqualTo(routedValue);
      valueBytesEqual++;
      for (String name : List.of(OutboxHeaders.ID, OutboxHeaders.EVENT_TYPE)) {
        Header header = routed.headers().lastWithName(name);
        assertThat(header).as("EventRouter header %s", name).isNotNull();
        byte[] routedHeader = values.fromConnectHeader(routed.topic(), name, header.schema(), header.value());
        assertThat(new String(relayRecord.headers().lastHeader(name).value(), StandardCharsets.UTF_8))
            .as("header %s", name).isEqualTo(new String(routedHeader, StandardCharsets.UTF_8));
      }
      compared++;
    }
    router.close();
    assertThat(compared).isEqualTo(EVENTS);
    System.out.printf("EventRouter equivalence: %d change events; topic, key, id and eventType identical for %d, "
        + "value bytes identical for %d of %d%n", EVENTS, compared, valueBytesEqual, compared);
  }

  private static List<SourceRecord> outboxRecords(List<SourceRecord> captured, RelaySettings settings) {
    String topic = settings.debeziumTopicPrefix() + ".public.outbox_event";
    synchronized (captured) {
      return captured.stream().filter(r -> r.topic().equals(topic)).toList();
    }
  }

  private static StringConverter converter(boolean isKey) {
    StringConverter converter = new StringConverter();
    converter.configure(Map.of(), isKey);
    return converter;
  }
}
