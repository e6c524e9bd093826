package io.outboxkit.relay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.outboxkit.core.OutboxEvent;
import io.outboxkit.test.OutboxIntegrationTest;
import io.outboxkit.test.TestDatabase;
import io.outboxkit.test.TestKafka;
import io.outboxkit.writer.OutboxWriter;
import io.outboxkit.core.WriteMode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.Test;

/**
 * Large events cannot fill the relay's heap: Debezium's queue is bounded by size (32 MiB) as well as by
 * count (4,096 events), so a relay process with the recommended 256 MB heap delivers a backlog of 700 events
 * of 400 KB (280 MB, more than its heap) whole. Without the size bound the count bound alone lets the whole
 * backlog into the queue, and the relay runs out of memory.
 */
@OutboxIntegrationTest
class LargeEventsIT {

  private static final int EVENTS = 700;
  private static final int PAYLOAD_BYTES = 400 * 1024;

  @Test
  void aBacklogLargerThanTheHeapArrivesWhole(TestDatabase db, TestKafka kafka) throws Exception {
    RelayFixture.installSchema(db);
    String prefix = kafka.newTopic("large") + ".";
    String topic = prefix + "document";
    kafka.createTopic(topic, 1);
    Map<String, String> digests = writeBacklog(db, RelayFixture.writer(db, WriteMode.TABLE));

    Path log = Files.createTempFile("relay-process", ".log");
    // the JVM options the relay's README recommends for a relay process
    List<String> jvm = List.of("-Xms128m", "-Xmx256m", "-Xmn64m", "-XX:SurvivorRatio=2", "-XX:+UseSerialGC",
        "-XX:+ExitOnOutOfMemoryError");
    Process child = RelayProcess.launch(log, jvm,
        db.host(), Integer.toString(db.port()), db.name(), db.username(), db.password(), db.name(), prefix,
        kafka.bootstrapServers());
    try (KafkaConsumer<byte[], byte[]> consumer = consumer(kafka)) {
      TopicPartition partition = new TopicPartition(topic, 0);
      consumer.assign(List.of(partition));
      consumer.seekToBeginning(List.of(partition));
      Set<String> arrived = new HashSet<>();
      int[] records = {0};
      List<String> corrupted = new ArrayList<>();
      long start = System.nanoTime();
      await("every large event on the topic").atMost(Duration.ofSeconds(240)).pollInterval(Duration.ofMillis(10))
          .until(() -> {
            assertThat(child.isAlive()).as("relay process alive; its log: %s", Files.readString(log)).isTrue();
            for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(500))) {
              records[0]++;
              String id = RelayFixture.header(record, "id");
              if (!digests.getOrDefault(id, "").equals(sha256(record.value()))) {
                corrupted.add(id);
              }
              arrived.add(id);
            }
            return arrived.containsAll(digests.keySet());
          });
      long millis = (System.nanoTime() - start) / 1_000_000;
      System.out.printf("large events: %d events of %d KB through a relay with %s in %d ms; %d records, "
          + "%d duplicates, %d not as written%n", EVENTS, PAYLOAD_BYTES / 1024, jvm, millis, records[0],
          records[0] - arrived.size(), corrupted.size());
      assertThat(corrupted).as("events whose payload differs from what was written").isEmpty();
      assertThat(arrived).containsAll(digests.keySet());
    } finally {
      child.destroyForcibly();
      Files.deleteIfExists(log);
    }
  }

  /** The events, ten per transaction, each with its own random content; returns id to payload digest. */
  private static Map<String, String> writeBacklog(TestDatabase db, OutboxWriter writer) throws Exception {
    Map<String, String> digests = new HashMap<>();
    Random random = new Random(42);
    byte[] noise = new byte[PAYLOAD_BYTES * 3 / 4];
    try (Connection connection = db.openConnection()) {
      connection.setAutoCommit(false);
      for (int i = 0; i < EVENTS; i++) {
        random.nextBytes(noise);
        String payload = "{\"seq\": " + i + ", \"content\": \"" + Base64.getEncoder().encodeToString(noise) + "\"}";
        String id = writer.publish(connection, OutboxEvent.of("document", "doc-" + (i % 7), "Stored", payload))
            .toString();
        digests.put(id, sha256(payload.getBytes(StandardCharsets.UTF_8)));
        if (i % 10 == 9) {
          connection.commit();
        }
      }
      connection.commit();
    }
    return digests;
  }

  private static KafkaConsumer<byte[], byte[]> consumer(TestKafka kafka) {
    Properties properties = new Properties();
    properties.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
    properties.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    properties.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    properties.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 20);
    return new KafkaConsumer<>(properties);
  }

  private static String sha256(byte[] bytes) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
  }
}
