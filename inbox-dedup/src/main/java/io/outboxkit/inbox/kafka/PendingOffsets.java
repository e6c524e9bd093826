package io.outboxkit.inbox.kafka;

import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.consumer.CommitFailedException;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RebalanceInProgressException;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.errors.WakeupException;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the runner may commit: per partition, the offset after its last fully handled record (processed,
 * duplicate, dead-lettered or skipped), and the commits of those offsets. Used by the polling thread only.
 */
final class PendingOffsets {

  private static final Logger log = LoggerFactory.getLogger(InboxKafkaRunner.class);

  private final Consumer<?, ?> consumer;
  private final String consumerName;
  private final Map<TopicPartition, OffsetAndMetadata> pending = new HashMap<>();

  PendingOffsets(Consumer<?, ?> consumer, String consumerName) {
    this.consumer = consumer;
    this.consumerName = consumerName;
  }

  /** The record is handled: its partition may be committed up to the record after it. */
  void done(TopicPartition partition, ConsumerRecord<?, ?> record) {
    pending.put(partition, new OffsetAndMetadata(record.offset() + 1, record.leaderEpoch(), ""));
  }

  /** The offset that the next commit of the partition would write, or null when there is none. */
  @Nullable OffsetAndMetadata get(TopicPartition partition) {
    return pending.get(partition);
  }

  /**
   * Commits all pending offsets. They are dropped when committed, and when a rebalance made the commit
   * impossible (the new owner sees the records again and skips them as duplicates); after a retriable
   * failure they stay for the next call.
   */
  void commit() {
    if (pending.isEmpty()) {
      return;
    }
    Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>(pending);
    try {
      commitSync(offsets);
      pending.clear();
    } catch (CommitFailedException e) {
      log.warn("Inbox runner '{}': offset commit of {} failed after a rebalance; the new owner will see those "
          + "records again and skip them as duplicates", consumerName, offsets.keySet());
      pending.clear();
    } catch (RetriableException | RebalanceInProgressException e) {
      log.warn("Inbox runner '{}': offset commit failed ({}), trying again after the next poll", consumerName,
          e.toString());
    }
  }

  /**
   * Commits the pending offsets of partitions being revoked, before they go, and forgets them. A failed
   * commit is logged: the new owner skips those records as duplicates.
   *
   * @return the offsets that were to be committed, empty when there were none
   */
  Map<TopicPartition, OffsetAndMetadata> commitRevoked(Collection<TopicPartition> partitions) {
    Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
    for (TopicPartition partition : partitions) {
      OffsetAndMetadata offset = pending.get(partition);
      if (offset != null) {
        offsets.put(partition, offset);
      }
    }
    if (!offsets.isEmpty()) {
      try {
        commitSync(offsets);
      } catch (KafkaException e) {
        log.warn("Inbox runner '{}': committing offsets of revoked partitions {} failed ({}); the new owner will"
            + " skip those records as duplicates", consumerName, offsets.keySet(), e.toString());
      }
    }
    forget(partitions);
    return offsets;
  }

  /** Drops the pending offsets of lost (or revoked) partitions without committing them. */
  void forget(Collection<TopicPartition> partitions) {
    for (TopicPartition partition : partitions) {
      pending.remove(partition);
    }
  }

  /** commitSync, once more if a wake-up meant for the poll interrupted it (close() wakes the consumer up). */
  private void commitSync(Map<TopicPartition, OffsetAndMetadata> offsets) {
    try {
      consumer.commitSync(offsets);
    } catch (WakeupException e) {
      consumer.commitSync(offsets);
    }
  }
}
