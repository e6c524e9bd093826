package io.outboxkit.samples.shop;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsResult.ListOffsetsResultInfo;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * The demo's view of Kafka: offsets and consumer lag, reading a topic, and producing copies of records (the
 * redelivery fault). Not thread-safe: one per thread.
 */
final class ShopKafka implements AutoCloseable {

  private static final long TIMEOUT_SECONDS = 60;

  private final Properties properties;
  private final Admin admin;

  ShopKafka(Properties properties) {
    this.properties = properties;
    this.admin = Admin.create(properties);
  }

  /** The end offset of every partition of the topics. */
  Map<TopicPartition, Long> endOffsets(Collection<String> topics) {
    return offsets(topics, OffsetSpec.latest());
  }

  /** The records a topic holds: end minus beginning offsets. */
  long records(String topic) {
    Map<TopicPartition, Long> begin = offsets(List.of(topic), OffsetSpec.earliest());
    return offsets(List.of(topic), OffsetSpec.latest()).entrySet().stream()
        .mapToLong(end -> end.getValue() - begin.getOrDefault(end.getKey(), 0L)).sum();
  }

  /** The group's committed offsets (partitions it never committed are absent). */
  Map<TopicPartition, Long> committed(String group) {
    Map<TopicPartition, OffsetAndMetadata> offsets = get(admin.listConsumerGroupOffsets(group)
        .partitionsToOffsetAndMetadata());
    Map<TopicPartition, Long> committed = new HashMap<>();
    offsets.forEach((partition, offset) -> {
      if (offset != null) {
        committed.put(partition, offset.offset());
      }
    });
    return committed;
  }

  /** Records of the topics that the group has not committed yet. */
  long lag(String group, Collection<String> topics) {
    Map<TopicPartition, Long> committed = committed(group);
    return endOffsets(topics).entrySet().stream()
        .mapToLong(end -> Math.max(0, end.getValue() - committed.getOrDefault(end.getKey(), 0L))).sum();
  }

  Set<String> topics() {
    return get(admin.listTopics().names());
  }

  /** Every record of the topic, from the beginning to the end offsets of now. */
  List<ConsumerRecord<byte[], byte[]>> readAll(String topic) {
    return read(topic, endOffsets(List.of(topic)), Integer.MAX_VALUE);
  }

  /**
   * Up to {@code max} records of the topic that every one of the groups has consumed already (below each
   * group's committed offset), from the beginning of the partitions.
   */
  List<ConsumerRecord<byte[], byte[]>> readConsumed(String topic, Collection<String> groups, int max) {
    Map<TopicPartition, Long> limits = endOffsets(List.of(topic));
    for (String group : groups) {
      Map<TopicPartition, Long> committed = committed(group);
      limits.replaceAll((partition, limit) -> Math.min(limit, committed.getOrDefault(partition, 0L)));
    }
    return read(topic, limits, max);
  }

  private List<ConsumerRecord<byte[], byte[]>> read(String topic, Map<TopicPartition, Long> limits, int max) {
    Properties consumerProperties = new Properties();
    consumerProperties.putAll(properties);
    consumerProperties.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    consumerProperties.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "2000");
    List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
    try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(consumerProperties,
        new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      consumer.assign(limits.keySet());
      consumer.seekToBeginning(limits.keySet());
      Set<TopicPartition> open = new HashSet<>(limits.keySet());
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(TIMEOUT_SECONDS);
      while (records.size() < max) {
        open.removeIf(partition -> consumer.position(partition) >= limits.get(partition));
        if (open.isEmpty()) {
          break;
        }
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("could not read " + topic + " to its end offsets within "
              + TIMEOUT_SECONDS + " s");
        }
        for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
          Long limit = limits.get(new TopicPartition(record.topic(), record.partition()));
          if (limit != null && record.offset() < limit && records.size() < max) {
            records.add(record);
          }
        }
      }
    }
    return records;
  }

  /** Produces copies of the records to their own topic and partition: same key, value and headers. */
  void produceCopies(List<ConsumerRecord<byte[], byte[]>> records) {
    Properties producerProperties = new Properties();
    producerProperties.putAll(properties);
    producerProperties.put(ProducerConfig.ACKS_CONFIG, "all");
    try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(producerProperties,
        new ByteArraySerializer(), new ByteArraySerializer())) {
      for (ConsumerRecord<byte[], byte[]> record : records) {
        producer.send(new ProducerRecord<>(record.topic(), record.partition(), record.key(), record.value(),
            record.headers()));
      }
      producer.flush();
    }
  }

  /** The partitions of the topics. */
  private Map<TopicPartition, Long> offsets(Collection<String> topics, OffsetSpec spec) {
    Map<String, TopicDescription> descriptions = get(admin.describeTopics(topics).allTopicNames());
    Map<TopicPartition, OffsetSpec> request = new HashMap<>();
    descriptions.values().forEach(description -> description.partitions().forEach(partition ->
        request.put(new TopicPartition(description.name(), partition.partition()), spec)));
    Map<TopicPartition, ListOffsetsResultInfo> result = get(admin.listOffsets(request).all());
    Map<TopicPartition, Long> offsets = new HashMap<>();
    result.forEach((partition, info) -> offsets.put(partition, info.offset()));
    return offsets;
  }

  private static <T> T get(KafkaFuture<T> future) {
    try {
      return future.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while asking Kafka", e);
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException("Kafka did not answer: " + e.getMessage(), e);
    }
  }

  @Override
  public void close() {
    admin.close(Duration.ofSeconds(10));
  }
}
