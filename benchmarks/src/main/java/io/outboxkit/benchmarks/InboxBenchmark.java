package io.outboxkit.benchmarks;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.outboxkit.test.OutboxTestInfrastructure;
import io.outboxkit.test.TestDatabase;
import io.outboxkit.test.TestKafka;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Consumer throughput with OutboxKit's inbox against the same consumer applying the same database effect
 * without deduplication. The messages (500-byte events with an {@code id} header, as the relay writes them)
 * are produced once; each variant then reads all of them with a group of its own: poll (up to
 * {@value #MAX_POLL_RECORDS} records), process the batch in one database transaction, commit the offsets.
 * Both variants take their connections from the same kind of pool (HikariCP, two connections). The rate is
 * the messages divided by the time from the first non-empty poll to the last offset commit. A warm-up read of
 * the whole topic comes first. Afterwards the projection must count every message exactly once.
 */
final class InboxBenchmark {

  static final int MAX_POLL_RECORDS = 500;

  private static final Logger log = LoggerFactory.getLogger(InboxBenchmark.class);

  private final OutboxTestInfrastructure infrastructure;
  private final Profile profile;

  InboxBenchmark(OutboxTestInfrastructure infrastructure, Profile profile) {
    this.infrastructure = infrastructure;
    this.profile = profile;
  }

  static Map<String, Supplier<MeasuredConsumer>> variants() {
    Map<String, Supplier<MeasuredConsumer>> variants = new LinkedHashMap<>();
    variants.put("plain", PlainConsumer::new);
    variants.put("outboxkit-inbox", OutboxKitInbox::batch);
    return variants;
  }

  List<RoundsResult> run() {
    Map<String, MeasuredConsumer> available = new LinkedHashMap<>();
    Map<String, String> unavailable = new LinkedHashMap<>();
    variants().forEach((id, factory) -> {
      try {
        available.put(id, factory.get());
      } catch (NotAvailableException e) {
        unavailable.put(id, e.getMessage());
        log.warn("inbox {}: not measured: {}", id, e.getMessage());
      }
    });
    TestKafka kafka = infrastructure.kafka("inbox");
    String topic = kafka.newTopic("inbox");
    kafka.createTopic(topic, 1);
    int messages = profile.inboxMessages();
    produce(kafka, topic, messages);
    warmUp(kafka, topic, messages);

    Rounds.Outcome outcome = Rounds.run(new ArrayList<>(available.keySet()), profile.rounds(), "inbox", "messages/s",
        id -> measure(id, available.get(id), kafka, topic, messages));
    Map<String, List<Double>> rates = outcome.rates();
    Map<String, String> failures = outcome.failures();
    List<RoundsResult> results = new ArrayList<>();
    variants().keySet().forEach(id -> {
      MeasuredConsumer consumer = available.get(id);
      results.add(new RoundsResult(id, consumer == null ? id : consumer.name(),
          consumer == null ? "" : consumer.describe(),
          consumer == null || failures.containsKey(id) ? null : Stats.median(rates.get(id)),
          rates.getOrDefault(id, List.of()), unavailable.get(id), failures.get(id)));
    });
    return results;
  }

  private static void produce(TestKafka kafka, String topic, int messages) {
    try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(
        ProducerSettings.properties(kafka.bootstrapServers(), ProducerSettings.TUNED))) {
      for (int seq = 0; seq < messages; seq++) {
        ProducerRecord<String, byte[]> record = new ProducerRecord<>(topic, Payloads.aggregateId(seq),
            Payloads.json(seq, 0).getBytes(StandardCharsets.UTF_8));
        record.headers().add("id", EventIds.next().toString().getBytes(StandardCharsets.UTF_8));
        record.headers().add("eventType", Payloads.EVENT_TYPE.getBytes(StandardCharsets.UTF_8));
        producer.send(record);
      }
      producer.flush();
    }
  }

  /**
   * Reads the whole topic once with a throwaway group, committing offsets as the variants do, so that the
   * first variant measured does not pay for the group coordinator's start or a cold broker.
   */
  private static void warmUp(TestKafka kafka, String topic, int messages) {
    Properties properties = kafka.consumerProperties(kafka.newGroupId());
    properties.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, MAX_POLL_RECORDS);
    long read = 0;
    long deadline = System.nanoTime() + Duration.ofSeconds(120 + messages / 100).toNanos();
    try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(properties)) {
      TopicPartition partition = new TopicPartition(topic, 0);
      consumer.assign(List.of(partition));
      consumer.seekToBeginning(List.of(partition));
      while (read < messages && System.nanoTime() < deadline) {
        ConsumerRecords<byte[], byte[]> records = consumer.poll(Duration.ofMillis(200));
        if (!records.isEmpty()) {
          consumer.commitSync();
          read += records.count();
        }
      }
    }
    if (read < messages) {
      throw new BenchmarkException("the inbox topic's warm-up read only " + read + " of " + messages + " messages");
    }
  }

  private double measure(String id, MeasuredConsumer measured, TestKafka kafka, String topic, int messages)
      throws Exception {
    try (TestDatabase db = infrastructure.newDatabase("inbox " + id); HikariDataSource pool = pool(db)) {
      measured.prepare(db.dataSource());
      Properties properties = kafka.consumerProperties(kafka.newGroupId());
      properties.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, MAX_POLL_RECORDS);
      long processed = 0;
      long start = 0;
      long deadline = System.nanoTime() + Duration.ofSeconds(120 + messages / 100).toNanos();
      try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(properties);
           MeasuredConsumer.Session session = measured.open(pool)) {
        TopicPartition partition = new TopicPartition(topic, 0);
        consumer.assign(List.of(partition));
        consumer.seekToBeginning(List.of(partition));
        while (processed < messages) {
          if (System.nanoTime() > deadline) {
            throw new BenchmarkException("only " + processed + " of " + messages + " messages processed in time");
          }
          ConsumerRecords<byte[], byte[]> records = consumer.poll(Duration.ofMillis(200));
          if (records.isEmpty()) {
            continue;
          }
          if (start == 0) {
            start = System.nanoTime();
          }
          List<ConsumerRecord<byte[], byte[]>> batch = records.records(partition);
          session.process(batch);
          consumer.commitSync();
          processed += batch.size();
        }
      }
      long end = System.nanoTime();
      long applied = countApplied(db);
      if (applied != messages) {
        throw new BenchmarkException(id + " applied " + applied + " effects for " + messages + " messages");
      }
      return Timeline.rate(messages, start, end);
    }
  }

  /** A small pool, as a service would have; both variants get their connections from it. */
  private static HikariDataSource pool(TestDatabase db) {
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl(db.jdbcUrl());
    config.setUsername(db.username());
    config.setPassword(db.password());
    config.setMaximumPoolSize(2);
    config.setPoolName("benchmark-inbox");
    return new HikariDataSource(config);
  }

  private static long countApplied(TestDatabase db) throws SQLException {
    try (Connection connection = db.openConnection(); Statement statement = connection.createStatement();
         ResultSet rs = statement.executeQuery("SELECT coalesce(sum(events), 0) FROM public.bench_projection")) {
      rs.next();
      return rs.getLong(1);
    }
  }
}
