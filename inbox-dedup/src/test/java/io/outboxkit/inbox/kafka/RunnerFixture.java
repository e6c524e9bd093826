package io.outboxkit.inbox.kafka;

import io.outboxkit.inbox.EffectTable;
import io.outboxkit.inbox.Inbox;
import io.outboxkit.test.TestDatabase;
import io.outboxkit.test.TestKafka;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;

/** One test's database, topic, group, producer and runners; closes them all. */
final class RunnerFixture implements AutoCloseable {

  final TestDatabase db;
  final TestKafka kafka;
  final DataSource ds;
  final Inbox inbox;
  final String topic;
  final String group;
  private final KafkaProducer<String, String> producer;
  private final List<InboxKafkaRunner> runners = new ArrayList<>();
  private final java.util.concurrent.atomic.AtomicReference<Exception> sendFailure =
      new java.util.concurrent.atomic.AtomicReference<>();

  RunnerFixture(TestDatabase db, TestKafka kafka, String hint, int partitions) throws Exception {
    this.db = db;
    this.kafka = kafka;
    this.ds = db.dataSource();
    EffectTable.install(ds);
    this.inbox = Inbox.builder(ds).build();
    this.topic = kafka.newTopic(hint);
    kafka.createTopic(topic, partitions); // waits for the partitions' leaders
    this.group = kafka.newGroupId();
    this.producer = new KafkaProducer<>(kafka.producerProperties());
  }

  /** A runner on the fixture's topic and group, short backoff, recording each effect. */
  InboxKafkaRunner.Builder runner() {
    return withoutHandler()
        .handler((message, connection) -> EffectTable.apply(connection, message.messageId(), message.eventId()));
  }

  /** As {@link #runner()}, for a batch handler. */
  InboxKafkaRunner.Builder withoutHandler() {
    return InboxKafkaRunner.builder(inbox)
        .consumerProperties(kafka.consumerProperties(group))
        .topics(topic)
        .consumerName(group)
        .backoff(Duration.ofMillis(50), Duration.ofMillis(400))
        .shutdownTimeout(Duration.ofSeconds(60));
  }

  InboxKafkaRunner start(InboxKafkaRunner.Builder builder) {
    flush();
    InboxKafkaRunner runner = builder.build();
    runners.add(runner);
    runner.start();
    return runner;
  }

  /** Sends a record like the relay's: key, JSON value, id and eventType headers, then extra header pairs. */
  void send(String key, String value, String id, String eventType, String... extraHeaders) {
    sendTo(null, key, value, headers(id, eventType, extraHeaders));
  }

  void sendTo(Integer partition, String key, String value, List<String> headers) {
    ProducerRecord<String, String> record = new ProducerRecord<>(topic, partition, key, value);
    for (int i = 0; i < headers.size(); i += 2) {
      record.headers().add(headers.get(i), headers.get(i + 1).getBytes(StandardCharsets.UTF_8));
    }
    // asynchronous: the producer keeps the order per partition; failures surface in flush()
    producer.send(record, (metadata, error) -> {
      if (error != null) {
        sendFailure.compareAndSet(null, error);
      }
    });
  }

  /** Waits until everything sent was acknowledged. */
  void flush() {
    producer.flush();
    if (sendFailure.get() != null) {
      throw new IllegalStateException("could not send to " + topic, sendFailure.get());
    }
  }

  static List<String> headers(String id, String eventType, String... extra) {
    List<String> headers = new ArrayList<>();
    if (id != null) {
      headers.add("id");
      headers.add(id);
    }
    if (eventType != null) {
      headers.add("eventType");
      headers.add(eventType);
    }
    headers.addAll(List.of(extra));
    return headers;
  }

  static String newId() {
    return UUID.randomUUID().toString();
  }

  /** The group's committed offsets on the topic. */
  Map<TopicPartition, OffsetAndMetadata> committed() throws Exception {
    try (Admin admin = Admin.create(kafka.adminProperties())) {
      return admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get(60, TimeUnit.SECONDS);
    }
  }

  /** How many members of the group hold at least one partition, as the group coordinator reports it. */
  long membersWithPartitions() throws Exception {
    try (Admin admin = Admin.create(kafka.adminProperties())) {
      return admin.describeConsumerGroups(List.of(group)).describedGroups().get(group).get(60, TimeUnit.SECONDS)
          .members().stream().filter(member -> !member.assignment().topicPartitions().isEmpty()).count();
    }
  }

  long committedOffset(int partition) throws Exception {
    OffsetAndMetadata offset = committed().get(new TopicPartition(topic, partition));
    return offset == null ? -1 : offset.offset();
  }

  @Override
  public void close() {
    for (InboxKafkaRunner runner : runners) {
      runner.close();
    }
    producer.close(Duration.ofSeconds(10));
  }
}
