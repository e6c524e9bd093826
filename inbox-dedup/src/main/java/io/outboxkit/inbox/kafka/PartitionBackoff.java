package io.outboxkit.inbox.kafka;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.common.TopicPartition;

/**
 * The partitions paused after a failure and when each may be polled again. The consumer keeps polling the
 * other partitions meanwhile, so a partition waiting for its retry never holds up the group. Used by the
 * polling thread only.
 */
final class PartitionBackoff {

  private final Consumer<?, ?> consumer;
  private final LongSupplier nanoClock;
  private final Map<TopicPartition, Long> pausedUntil = new HashMap<>();

  /**
   * @param nanoClock {@link System#nanoTime()} or a test's clock
   */
  PartitionBackoff(Consumer<?, ?> consumer, LongSupplier nanoClock) {
    this.consumer = consumer;
    this.nanoClock = nanoClock;
  }

  /** Pauses the partitions for {@code delay}; a partition that is already paused gets the new time. */
  void pause(Collection<TopicPartition> partitions, Duration delay) {
    if (partitions.isEmpty()) {
      return;
    }
    long until = nanoClock.getAsLong() + delay.toNanos();
    consumer.pause(partitions);
    for (TopicPartition partition : partitions) {
      pausedUntil.put(partition, until);
    }
  }

  /** Resumes the partitions whose time has come and that are still assigned. */
  void resumeDue() {
    if (pausedUntil.isEmpty()) {
      return;
    }
    long now = nanoClock.getAsLong();
    List<TopicPartition> due = new ArrayList<>();
    pausedUntil.entrySet().removeIf(entry -> {
      if (now - entry.getValue() >= 0) {
        due.add(entry.getKey());
        return true;
      }
      return false;
    });
    due.retainAll(consumer.assignment());
    if (!due.isEmpty()) {
      consumer.resume(due);
    }
  }

  /** How long the next poll may wait: until the earliest partition is due, and at most {@code maxNanos}. */
  long pollTimeoutNanos(long maxNanos) {
    long timeout = maxNanos;
    long now = nanoClock.getAsLong();
    for (long until : pausedUntil.values()) {
      timeout = Math.min(timeout, Math.max(0, until - now));
    }
    return timeout;
  }

  /** True while the partition waits for its time. */
  boolean isPaused(TopicPartition partition) {
    return pausedUntil.containsKey(partition);
  }

  /** Drops revoked or lost partitions: the consumer forgets their pause with them. */
  void forget(Collection<TopicPartition> partitions) {
    for (TopicPartition partition : partitions) {
      pausedUntil.remove(partition);
    }
  }
}
