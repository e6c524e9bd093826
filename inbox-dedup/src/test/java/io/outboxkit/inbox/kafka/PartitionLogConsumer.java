package io.outboxkit.inbox.kafka;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;

/**
 * Kafka's {@link MockConsumer} in front of a log per partition: each poll hands out the records from the
 * partition's position on, as a broker does, so a seek back delivers them again (MockConsumer itself forgets
 * a record once it was polled). As KafkaConsumer does and MockConsumer does not, a revoked partition loses
 * its pause, and committed offsets are reported for partitions that are not assigned. Commits can be made to
 * fail.
 */
final class PartitionLogConsumer extends MockConsumer<byte[], byte[]> {

  private final Map<TopicPartition, List<ConsumerRecord<byte[], byte[]>>> log = new HashMap<>();
  private final Deque<RuntimeException> commitFailures = new ArrayDeque<>();
  private final Set<TopicPartition> paused = new HashSet<>();
  private final Map<TopicPartition, Long> commits = new HashMap<>();

  PartitionLogConsumer() {
    super("earliest");
  }

  /** Appends a record with an {@code id} header (none when {@code id} is null); returns its offset. */
  synchronized long append(TopicPartition partition, String id) {
    List<ConsumerRecord<byte[], byte[]>> records = log.computeIfAbsent(partition, p -> new ArrayList<>());
    RecordHeaders headers = new RecordHeaders();
    if (id != null) {
      headers.add("id", id.getBytes(StandardCharsets.UTF_8));
    }
    long offset = records.size();
    byte[] value = ("{\"n\":" + offset + "}").getBytes(StandardCharsets.UTF_8);
    records.add(new ConsumerRecord<>(partition.topic(), partition.partition(), offset, 1_700_000_000_000L,
        TimestampType.CREATE_TIME, 0, value.length, null, value, headers, Optional.empty()));
    return offset;
  }

  /** The assignment after a rebalance, with the rebalance listener called as Kafka calls it. */
  synchronized void assignPartitions(Collection<TopicPartition> partitions) {
    Map<TopicPartition, Long> beginning = new HashMap<>();
    for (TopicPartition partition : partitions) {
      beginning.put(partition, 0L);
    }
    updateBeginningOffsets(beginning);
    rebalance(partitions);
    paused.retainAll(partitions);
  }

  /** The next commit fails with {@code failure}. */
  synchronized void failNextCommit(RuntimeException failure) {
    commitFailures.add(failure);
  }

  /** The committed offset of the partition, or -1. */
  synchronized long committedOffset(TopicPartition partition) {
    return commits.getOrDefault(partition, -1L);
  }

  @Override
  public synchronized void pause(Collection<TopicPartition> partitions) {
    super.pause(partitions);
    paused.addAll(partitions);
  }

  @Override
  public synchronized void resume(Collection<TopicPartition> partitions) {
    super.resume(partitions);
    paused.removeAll(partitions);
  }

  @Override
  public synchronized Set<TopicPartition> paused() {
    return Set.copyOf(paused);
  }

  @Override
  public synchronized ConsumerRecords<byte[], byte[]> poll(Duration timeout) {
    for (TopicPartition partition : assignment()) {
      if (paused().contains(partition)) {
        continue;
      }
      long position = position(partition);
      for (ConsumerRecord<byte[], byte[]> record : log.getOrDefault(partition, List.of())) {
        if (record.offset() >= position) {
          addRecord(record);
        }
      }
    }
    return super.poll(timeout);
  }

  @Override
  public synchronized void commitSync(Map<TopicPartition, OffsetAndMetadata> offsets) {
    RuntimeException failure = commitFailures.poll();
    if (failure != null) {
      throw failure;
    }
    super.commitSync(offsets);
    offsets.forEach((partition, offset) -> commits.put(partition, offset.offset()));
  }
}
