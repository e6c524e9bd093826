package io.outboxkit.test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.jspecify.annotations.Nullable;

/**
 * Kafka for one test: topic and consumer group names no other test uses, client properties for the
 * shared broker, and a way to read a topic back.
 *
 * <p>Thread-safe.
 */
public final class TestKafka {

  private final KafkaServer server;
  private final String namespace;
  private final AtomicInteger sequence = new AtomicInteger();

  TestKafka(KafkaServer server, String namespace) {
    this.server = server;
    this.namespace = namespace;
  }

  /** The broker's {@code bootstrap.servers}. */
  public String bootstrapServers() {
    return server.bootstrapServers();
  }

  /**
   * The broker's listener that authenticates clients with SASL PLAIN, or null when the broker has none (an
   * external broker or a container): tests that need it skip themselves then.
   */
  public KafkaServer.@Nullable SaslListener sasl() {
    return server.sasl();
  }

  /** A topic name that no other test uses. The topic is not created. */
  public String newTopic(String hint) {
    return namespace + "." + hint + "." + sequence.incrementAndGet();
  }

  /** A consumer group id that no other test uses. */
  public String newGroupId() {
    return namespace + ".group." + sequence.incrementAndGet();
  }

  /**
   * Creates a topic with {@code partitions} partitions (replication factor 1) unless it exists, and waits
   * until every partition has a leader, so that the first records produced are not refused.
   */
  public void createTopic(String name, int partitions) {
    try (Admin admin = Admin.create(adminProperties())) {
      try {
        admin.createTopics(List.of(new NewTopic(name, partitions, (short) 1))).all().get(60, TimeUnit.SECONDS);
      } catch (ExecutionException e) {
        if (!(e.getCause() instanceof TopicExistsException)) {
          throw new TestInfrastructureException("cannot create topic " + name + ": " + e.getCause().getMessage(), e);
        }
      }
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
      while (!allPartitionsLed(admin, name)) {
        if (System.nanoTime() > deadline) {
          throw new TestInfrastructureException("the partitions of topic " + name + " got no leader within 120 s");
        }
        sleepBriefly();
      }
    } catch (ExecutionException e) {
      throw new TestInfrastructureException("cannot describe topic " + name + ": " + e.getCause().getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new TestInfrastructureException("interrupted while creating topic " + name, e);
    } catch (TimeoutException e) {
      throw new TestInfrastructureException("creating topic " + name + " took longer than 60 s", e);
    }
  }

  private static boolean allPartitionsLed(Admin admin, String topic)
      throws InterruptedException, ExecutionException, TimeoutException {
    TopicDescription description;
    try {
      description = admin.describeTopics(List.of(topic)).allTopicNames().get(60, TimeUnit.SECONDS).get(topic);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof UnknownTopicOrPartitionException) {
        return false; // created by the controller, not yet known to the broker that answered
      }
      throw e;
    }
    return description != null && !description.partitions().isEmpty() && description.partitions().stream()
        .allMatch(partition -> partition.leader() != null && partition.leader().id() >= 0);
  }

  /**
   * Producer properties: bootstrap servers, String key and value serializers, acks=all, one request in flight
   * per connection.
   */
  public Properties producerProperties() {
    Properties properties = new Properties();
    properties.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
    properties.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
    properties.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
    properties.put(ProducerConfig.ACKS_CONFIG, "all");
    // one request in flight per partition: right after a topic is created the broker may answer
    // NOT_LEADER_OR_FOLLOWER, and with several idempotent batches in flight the producer then got stuck on
    // OUT_OF_ORDER_SEQUENCE_NUMBER until its delivery timeout
    properties.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 1);
    return properties;
  }

  /**
   * Consumer properties: bootstrap servers, the group, byte array deserializers, earliest offset,
   * no auto commit.
   */
  public Properties consumerProperties(String groupId) {
    Properties properties = new Properties();
    properties.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
    properties.put(ConsumerConfig.GROUP_ID_CONFIG, groupId);
    properties.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    properties.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    properties.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    properties.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    return properties;
  }

  /** Admin client properties for the broker. */
  public Properties adminProperties() {
    Properties properties = new Properties();
    properties.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
    return properties;
  }

  /**
   * Reads {@code topic} from the beginning of every partition, without a consumer group, until at least
   * {@code atLeast} records arrived, and returns all that arrived by then, in partition order as they were
   * polled.
   *
   * @throws AssertionError if fewer records arrive within {@code timeout}; the message gives the count
   */
  public List<ConsumerRecord<byte[], byte[]>> readRecords(String topic, int atLeast, Duration timeout) {
    List<ConsumerRecord<byte[], byte[]>> records = readUntil(topic, all -> all.size() >= atLeast, timeout);
    if (records.size() < atLeast) {
      throw new AssertionError("expected at least " + atLeast + " records on topic " + topic + " within "
          + timeout.toSeconds() + " s, but " + records.size() + " arrived");
    }
    return records;
  }

  /**
   * Reads {@code topic} from the beginning of every partition, without a consumer group, until
   * {@code done} accepts all records read so far (asked after every poll), and returns them. Use it when a
   * count is not enough, for example to wait for a set of event ids while duplicates may arrive too.
   *
   * @throws AssertionError if {@code done} does not accept the records within {@code timeout}; the message
   *     gives the count
   */
  public List<ConsumerRecord<byte[], byte[]>> readRecordsUntil(String topic,
      Predicate<List<ConsumerRecord<byte[], byte[]>>> done, Duration timeout) {
    List<ConsumerRecord<byte[], byte[]>> records = readUntil(topic, done, timeout);
    if (!done.test(records)) {
      throw new AssertionError("the records on topic " + topic + " were not complete within " + timeout.toSeconds()
          + " s; " + records.size() + " arrived");
    }
    return records;
  }

  private List<ConsumerRecord<byte[], byte[]>> readUntil(String topic,
      Predicate<List<ConsumerRecord<byte[], byte[]>>> done, Duration timeout) {
    Properties properties = new Properties();
    properties.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
    properties.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    properties.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    properties.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5000);
    long deadline = System.nanoTime() + timeout.toNanos();
    List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
    try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(properties)) {
      Set<TopicPartition> assigned = Set.of();
      while (!done.test(records) && System.nanoTime() < deadline) {
        if (assigned.isEmpty()) {
          List<PartitionInfo> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(5));
          if (partitions == null || partitions.isEmpty()) {
            sleepBriefly();
            continue;
          }
          List<TopicPartition> all = new ArrayList<>();
          partitions.forEach(p -> all.add(new TopicPartition(p.topic(), p.partition())));
          consumer.assign(all);
          consumer.seekToBeginning(all);
          assigned = Set.copyOf(all);
        }
        consumer.poll(Duration.ofMillis(500)).forEach(records::add);
      }
    }
    return records;
  }

  /**
   * The names of the record's headers that start with {@code prefix}, in order, repeated ones as often as they
   * occur: for example a dead letter's {@code outboxkit.dlq.} headers.
   */
  public static List<String> headerNames(ConsumerRecord<?, ?> record, String prefix) {
    List<String> names = new ArrayList<>();
    record.headers().forEach(h -> {
      if (h.key().startsWith(prefix)) {
        names.add(h.key());
      }
    });
    return names;
  }

  private static void sleepBriefly() {
    try {
      Thread.sleep(100);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new TestInfrastructureException("interrupted while waiting for a topic", e);
    }
  }
}
