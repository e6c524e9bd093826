package io.outboxkit.fault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.outboxkit.core.DeadLetterHeaders;
import io.outboxkit.core.OutboxHeaders;
import io.outboxkit.inbox.kafka.InboxKafkaRunner;
import io.outboxkit.relay.RelayState;
import io.outboxkit.test.OutboxIntegrationTest;
import io.outboxkit.test.TestDatabase;
import io.outboxkit.test.TestKafka;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;

/**
 * Records that another producer puts on the consumed topic, between the relay's events: bodies that are not
 * JSON, no usable dedup key, foreign and malformed headers, no Kafka key, the same message twice. Records
 * that can never be processed go to the dead-letter topic at once (reason {@code invalid-message}), the
 * others are applied once, the relay's events keep being applied, and every partition's committed offset
 * moves past the bad records: nothing is lost or stuck.
 */
@OutboxIntegrationTest
class BadConsumedRecordsIT {

  private static final String CASE = "fault-case";

  @Test
  void badRecordsOnTheConsumedTopicAreDeadLetteredOrAppliedAsDocumented(TestDatabase orders, TestDatabase billing,
      TestKafka kafka) throws Exception {
    try (Pipeline pipeline = Pipeline.create("bad-consumed-records", orders, billing, kafka, 3)) {
      InboxKafkaRunner consumer = pipeline.startConsumer("billing-1");
      pipeline.startWriters(2, 6, 20);
      RelayChild relay = pipeline.startRelay("relay");
      relay.awaitState(RelayState.ACTIVE);
      pipeline.awaitFlowing(20);

      String foreignHeaders = UUID.randomUUID().toString();
      String nullKey = UUID.randomUUID().toString();
      String twice = UUID.randomUUID().toString();
      Map<String, String> deadCases = new LinkedHashMap<>();
      try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(producerProperties(kafka))) {
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
        // can never be processed: dead-lettered at once
        records.add(record(pipeline, "foreign-a", "this is not JSON", "not-json", UUID.randomUUID().toString()));
        deadCases.put("not-json", "payload is not JSON");
        records.add(record(pipeline, "foreign-b", order("foreign-b"), "no-id-header", null));
        deadCases.put("no-id-header", "");
        records.add(record(pipeline, "foreign-c", order("foreign-c"), "empty-id", ""));
        deadCases.put("empty-id", "");
        records.add(record(pipeline, "foreign-d", order("foreign-d"), "id-too-long", "x".repeat(2000)));
        deadCases.put("id-too-long", "");
        records.add(record(pipeline, "foreign-e", "{\"hello\": \"world\"}", "not-an-order", UUID.randomUUID().toString()));
        deadCases.put("not-an-order", "not an order event");
        records.add(record(pipeline, "foreign-f", "[1, 2, 3]", "json-array", UUID.randomUUID().toString()));
        deadCases.put("json-array", "not an order event");

        // processed as documented: applied once
        ProducerRecord<byte[], byte[]> withForeignHeaders = record(pipeline, "foreign-g", order("foreign-g"),
            "foreign-headers", "decoy-id-overridden-by-the-last-id-header");
        withForeignHeaders.headers()
            .add(OutboxHeaders.ID, foreignHeaders.getBytes(StandardCharsets.UTF_8)) // the last id header wins
            .add("__TypeId__", "com.example.Order".getBytes(StandardCharsets.UTF_8))
            .add("traceparent", "not-a-trace-context".getBytes(StandardCharsets.UTF_8))
            .add("binary", new byte[] {(byte) 0xff, (byte) 0xfe, 0, 1})
            .add(new RecordHeader("no-value", (byte[]) null));
        records.add(withForeignHeaders);
        records.add(new ProducerRecord<byte[], byte[]>(pipeline.topic(), (Integer) null, (byte[]) null,
            order("foreign-h").getBytes(StandardCharsets.UTF_8),
            List.of(new RecordHeader(OutboxHeaders.ID, nullKey.getBytes(StandardCharsets.UTF_8)),
                new RecordHeader(CASE, "no-kafka-key".getBytes(StandardCharsets.UTF_8)))));
        records.add(record(pipeline, "foreign-i", order("foreign-i"), "sent-twice", twice));
        records.add(record(pipeline, "foreign-i", order("foreign-i"), "sent-twice", twice));
        for (ProducerRecord<byte[], byte[]> record : records) {
          producer.send(record).get(60, TimeUnit.SECONDS);
        }
      }
      pipeline.foreignApplied(foreignHeaders);
      pipeline.foreignApplied(nullKey);
      pipeline.foreignApplied(twice);
      Map<TopicPartition, Long> afterBadRecords = pipeline.endOffsets();

      pipeline.awaitApplied(foreignHeaders);
      pipeline.awaitApplied(nullKey);
      pipeline.awaitApplied(twice);
      List<ConsumerRecord<byte[], byte[]>> dead = await("dead letters of the bad records")
          .atMost(Pipeline.RECOVERY_TIMEOUT).pollInterval(Duration.ofMillis(500))
          .until(() -> TopicReader.readAll(pipeline.bootstrapServers(), pipeline.consumerDeadLetterTopic(),
              Pipeline.READ_TIMEOUT), found -> found.size() >= deadCases.size());
      await("committed offsets past the bad records on every partition").atMost(Pipeline.RECOVERY_TIMEOUT)
          .pollInterval(Duration.ofMillis(500)).until(() -> {
            Map<TopicPartition, Long> committed = pipeline.committedOffsets();
            return afterBadRecords.entrySet().stream()
                .allMatch(end -> committed.getOrDefault(end.getKey(), -1L) >= end.getValue());
          });

      for (ConsumerRecord<byte[], byte[]> letter : dead) {
        System.out.printf("[bad-consumed-records] %-14s -> dead letter: reason %s, attempts %s, %s: %s%n",
            TopicReader.header(letter, CASE), TopicReader.header(letter, DeadLetterHeaders.REASON),
            TopicReader.header(letter, DeadLetterHeaders.ATTEMPTS), simpleName(TopicReader.header(letter,
                DeadLetterHeaders.ERROR_CLASS)), TopicReader.header(letter, DeadLetterHeaders.ERROR_MESSAGE));
      }
      assertThat(dead).extracting(r -> TopicReader.header(r, CASE)).containsExactlyInAnyOrderElementsOf(deadCases.keySet());
      assertThat(dead).allSatisfy(r -> {
        assertThat(TopicReader.header(r, DeadLetterHeaders.REASON)).isEqualTo(DeadLetterHeaders.REASON_INVALID_MESSAGE);
        assertThat(TopicReader.header(r, DeadLetterHeaders.ERROR_MESSAGE))
            .contains(deadCases.get(TopicReader.header(r, CASE)));
      });
      assertThat(pipeline.effectsOf(foreignHeaders)).isEqualTo(1);
      assertThat(pipeline.effectsOf(nullKey)).isEqualTo(1);
      assertThat(pipeline.effectsOf(twice)).isEqualTo(1);
      assertThat(pipeline.effectsOf("decoy-id-overridden-by-the-last-id-header")).isZero();
      assertThat(consumer.stats().deadLettered()).isEqualTo(deadCases.size());
      assertThat(consumer.stats().duplicates()).isGreaterThanOrEqualTo(1);
      System.out.printf("[bad-consumed-records] applied once each: foreign headers, no Kafka key, sent twice "
          + "(1 duplicate recognized); committed offsets moved past the bad records on every partition%n");

      pipeline.finish("records produced by others on the consumed topic: " + deadCases.size() + " dead-lettered at "
          + "once (" + String.join(", ", deadCases.keySet()) + "), 3 applied once (foreign headers, no Kafka key, "
          + "sent twice)", 0).assertNothingLostOrDuplicated();
    }
  }

  private static ProducerRecord<byte[], byte[]> record(Pipeline pipeline, String key, String value, String marker,
      String id) {
    ProducerRecord<byte[], byte[]> record = new ProducerRecord<>(pipeline.topic(), key.getBytes(StandardCharsets.UTF_8),
        value.getBytes(StandardCharsets.UTF_8));
    record.headers().add(CASE, marker.getBytes(StandardCharsets.UTF_8));
    if (id != null) {
      record.headers().add(OutboxHeaders.ID, id.getBytes(StandardCharsets.UTF_8));
    }
    return record;
  }

  private static String order(String orderId) {
    return EffectHandler.payload(orderId, 0, 7);
  }

  private static Properties producerProperties(TestKafka kafka) {
    Properties properties = new Properties();
    properties.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
    properties.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    properties.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    properties.put(ProducerConfig.ACKS_CONFIG, "all");
    return properties;
  }

  private static String simpleName(String className) {
    return className == null ? "-" : className.substring(className.lastIndexOf('.') + 1);
  }
}
