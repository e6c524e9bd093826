package io.outboxkit.inbox.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.outboxkit.inbox.EffectTable;
import io.outboxkit.inbox.Inbox;
import io.outboxkit.test.OutboxIntegrationTest;
import io.outboxkit.test.TestDatabase;
import io.outboxkit.test.TestKafka;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Consumer throughput with the inbox against the same consumer applying the same database effect without
 * deduplication, in one run. Off by default (heavy): {@code -Dinbox.throughput=true}, record count with
 * {@code -Dinbox.throughput.records=N} (default 20,000).
 */
@OutboxIntegrationTest
@EnabledIfSystemProperty(named = "inbox.throughput", matches = "true")
class InboxThroughputIT {

  private static final Logger log = LoggerFactory.getLogger(InboxThroughputIT.class);
  private static final int RECORDS = Integer.getInteger("inbox.throughput.records", 20_000);

  @Test
  void inboxAgainstPlainConsumer(TestDatabase plainDb, TestDatabase batchDb, TestDatabase perRecordDb,
      TestKafka kafka) throws Exception {
    String topic = kafka.newTopic("throughput");
    kafka.createTopic(topic, 4);
    String payload = "{\"orderId\":\"%s\",\"customer\":\"c-17\",\"lines\":[{\"sku\":\"A-1\",\"qty\":2},"
        + "{\"sku\":\"B-7\",\"qty\":1}],\"total\":\"42.10\",\"currency\":\"EUR\",\"note\":\"%s\"}";
    try (KafkaProducer<String, String> producer = new KafkaProducer<>(kafka.producerProperties())) {
      for (int i = 0; i < RECORDS; i++) {
        ProducerRecord<String, String> record = new ProducerRecord<>(topic, "order-" + (i % 1000),
            String.format(payload, i, "x".repeat(300)));
        record.headers().add("id", UUID.randomUUID().toString().getBytes(StandardCharsets.UTF_8));
        record.headers().add("eventType", "OrderPlaced".getBytes(StandardCharsets.UTF_8));
        producer.send(record);
      }
      producer.flush();
    }

    double plain = plainConsumer(plainDb, kafka, topic);
    double batch = inboxRunner(batchDb, kafka, topic, true);
    double perRecord = inboxRunner(perRecordDb, kafka, topic, false);
    log.info("Inbox throughput, {} records, 4 partitions: plain consumer {} records/s; inbox batch form {} "
        + "records/s ({}x); inbox per record {} records/s ({}x)", RECORDS, Math.round(plain), Math.round(batch),
        String.format("%.2f", batch / plain), Math.round(perRecord), String.format("%.2f", perRecord / plain));
  }

  private static HikariDataSource pool(TestDatabase db) {
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl(db.jdbcUrl());
    config.setUsername(db.username());
    config.setPassword(db.password());
    config.setMaximumPoolSize(2);
    return new HikariDataSource(config);
  }

  private static void applyAll(Connection connection, List<String> ids) throws SQLException {
    try (PreparedStatement insert = connection.prepareStatement(
        "INSERT INTO effect (message_id, note) VALUES (?, 'applied')")) {
      for (String id : ids) {
        insert.setString(1, id);
        insert.addBatch();
      }
      insert.executeBatch();
    }
  }

  /** The baseline: poll, apply the poll's effects in one transaction, commit, commitSync. No dedup. */
  private static double plainConsumer(TestDatabase db, TestKafka kafka, String topic) throws Exception {
    try (HikariDataSource ds = pool(db);
        KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(kafka.consumerProperties(kafka.newGroupId()))) {
      EffectTable.install(ds);
      consumer.subscribe(List.of(topic));
      long done = 0;
      long start = 0;
      while (done < RECORDS) {
        ConsumerRecords<byte[], byte[]> records = consumer.poll(Duration.ofMillis(500));
        if (records.isEmpty()) {
          continue;
        }
        if (start == 0) {
          start = System.nanoTime();
        }
        List<String> ids = new java.util.ArrayList<>(records.count());
        for (ConsumerRecord<byte[], byte[]> record : records) {
          ids.add(new String(record.headers().lastHeader("id").value(), StandardCharsets.UTF_8));
        }
        try (Connection connection = ds.getConnection()) {
          connection.setAutoCommit(false);
          applyAll(connection, ids);
          connection.commit();
        }
        consumer.commitSync();
        done += records.count();
      }
      double seconds = (System.nanoTime() - start) / 1e9;
      assertThat(EffectTable.count(ds)).isEqualTo(RECORDS);
      return RECORDS / seconds;
    }
  }

  private static double inboxRunner(TestDatabase db, TestKafka kafka, String topic, boolean batch) throws Exception {
    try (HikariDataSource ds = pool(db)) {
      EffectTable.install(ds);
      AtomicLong start = new AtomicLong();
      String group = kafka.newGroupId();
      InboxKafkaRunner.Builder builder = InboxKafkaRunner.builder(Inbox.builder(ds).build())
          .consumerProperties(kafka.consumerProperties(group))
          .topics(topic)
          .consumerName(group)
          .tracing(false);
      if (batch) {
        builder.batchHandler((messages, connection) -> {
          start.compareAndSet(0, System.nanoTime());
          applyAll(connection, messages.stream().map(InboxMessage::messageId).toList());
        });
      } else {
        builder.handler((message, connection) -> {
          start.compareAndSet(0, System.nanoTime());
          applyAll(connection, List.of(message.messageId()));
        });
      }
      try (InboxKafkaRunner runner = builder.build()) {
        runner.start();
        await().atMost(Duration.ofMinutes(10)).pollInterval(Duration.ofMillis(5))
            .until(() -> runner.stats().processed() == RECORDS);
        double seconds = (System.nanoTime() - start.get()) / 1e9;
        assertThat(EffectTable.count(ds)).isEqualTo(RECORDS);
        assertThat(EffectTable.doubles(ds)).isZero();
        return RECORDS / seconds;
      }
    }
  }
}
