package io.outboxkit.relay;

import static org.awaitility.Awaitility.await;

import io.outboxkit.test.TestDatabase;
import io.outboxkit.test.TestKafka;
import io.outboxkit.writer.OutboxSchema;
import io.outboxkit.writer.OutboxWriter;
import io.outboxkit.core.WriteMode;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/** Shared steps of the relay's integration tests. */
final class RelayFixture {

  static final Duration TIMEOUT = Duration.ofSeconds(120);

  private RelayFixture() {
  }

  /** A relay builder for this test's database (its own slot, named after the database) and broker. */
  static OutboxRelay.Builder relay(TestDatabase db, TestKafka kafka, String topicPrefix) {
    return OutboxRelay.builder()
        .database(db.host(), db.port(), db.name())
        .username(db.username())
        .password(db.password())
        .replicationSlot(db.name())
        .topicPrefix(topicPrefix)
        .bootstrapServers(kafka.bootstrapServers());
  }

  /** The outbox schema, publication and slot as outbox-writer installs them, with the test's slot. */
  static void installSchema(TestDatabase db) {
    OutboxSchema.builder().replicationSlot(db.name()).build().install(db.dataSource());
  }

  static OutboxWriter writer(TestDatabase db, WriteMode mode) {
    return OutboxWriter.builder(db.dataSource()).mode(mode).build();
  }

  static void awaitActive(OutboxRelay relay) {
    await("relay ACTIVE").atMost(TIMEOUT).pollInterval(Duration.ofMillis(100))
        .until(() -> {
          RelayStatus status = relay.status();
          if (status.state() == RelayState.FAILED) {
            throw new AssertionError("relay failed: " + status.reason());
          }
          return status.state() == RelayState.ACTIVE;
        });
  }

  static void awaitStandby(OutboxRelay relay) {
    await("relay STANDBY").atMost(TIMEOUT).pollInterval(Duration.ofMillis(100))
        .until(() -> {
          RelayStatus status = relay.status();
          if (status.state() == RelayState.FAILED) {
            throw new AssertionError("relay failed: " + status.reason());
          }
          return status.state() == RelayState.STANDBY;
        });
  }

  /** Runs {@code work} in one transaction on a new connection and commits. */
  static void inTransaction(TestDatabase db, SqlWork work) throws SQLException {
    try (Connection connection = db.openConnection()) {
      connection.setAutoCommit(false);
      work.run(connection);
      connection.commit();
    }
  }

  @FunctionalInterface
  interface SqlWork {
    void run(Connection connection) throws SQLException;
  }

  static String header(ConsumerRecord<byte[], byte[]> record, String name) {
    Header header = record.headers().lastHeader(name);
    return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
  }

  static String text(byte[] bytes) {
    return bytes == null ? null : new String(bytes, StandardCharsets.UTF_8);
  }

  /**
   * Reads the topics from the beginning until {@code done} holds for the records read so far, then keeps
   * reading to the end offsets of that moment (so late duplicates are counted too).
   */
  static List<ConsumerRecord<byte[], byte[]>> readUntil(TestKafka kafka, Collection<String> topics,
      Predicate<List<ConsumerRecord<byte[], byte[]>>> done, Duration timeout) {
    Properties properties = new Properties();
    properties.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
    properties.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    properties.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    properties.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5000);
    long deadline = System.nanoTime() + timeout.toNanos();
    List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
    try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(properties)) {
      boolean assigned = false;
      while (System.nanoTime() < deadline) {
        if (!assigned) {
          List<TopicPartition> partitions = new ArrayList<>();
          for (String topic : topics) {
            List<PartitionInfo> infos = consumer.partitionsFor(topic, Duration.ofSeconds(2));
            if (infos != null) {
              infos.forEach(p -> partitions.add(new TopicPartition(p.topic(), p.partition())));
            }
          }
          if (partitions.stream().map(TopicPartition::topic).distinct().count() < topics.size()) {
            sleep(200); // a topic does not exist yet: the relay creates it with its first record
            continue;
          }
          consumer.assign(partitions);
          consumer.seekToBeginning(partitions);
          assigned = true;
        }
        consumer.poll(Duration.ofMillis(200)).forEach(records::add);
        if (done.test(records)) {
          Map<TopicPartition, Long> end = consumer.endOffsets(consumer.assignment());
          Map<TopicPartition, Long> position = new HashMap<>();
          while (System.nanoTime() < deadline) {
            boolean atEnd = true;
            for (TopicPartition partition : consumer.assignment()) {
              position.put(partition, consumer.position(partition));
              if (position.get(partition) < end.get(partition)) {
                atEnd = false;
              }
            }
            if (atEnd) {
              return records;
            }
            consumer.poll(Duration.ofMillis(200)).forEach(records::add);
          }
          return records;
        }
      }
    }
    throw new AssertionError("condition not reached within " + timeout.toSeconds() + " s; " + records.size()
        + " record(s) read from " + topics);
  }

  static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
