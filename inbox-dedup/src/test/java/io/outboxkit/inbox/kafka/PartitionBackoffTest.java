package io.outboxkit.inbox.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class PartitionBackoffTest {

  private static final TopicPartition P0 = new TopicPartition("orders", 0);
  private static final TopicPartition P1 = new TopicPartition("orders", 1);
  private static final long MAX_POLL = Duration.ofSeconds(1).toNanos();

  private final AtomicLong now = new AtomicLong(5_000_000_000L);
  private final PartitionLogConsumer consumer = new PartitionLogConsumer();
  private final PartitionBackoff backoff = new PartitionBackoff(consumer, now::get);

  @BeforeEach
  void assignTwoPartitions() {
    consumer.subscribe(List.of("orders"));
    consumer.assignPartitions(List.of(P0, P1));
  }

  @Test
  void aPausedPartitionIsResumedWhenItsDelayHasPassed() {
    backoff.pause(List.of(P0), Duration.ofMillis(200));
    assertThat(consumer.paused()).containsExactly(P0);

    advance(Duration.ofMillis(199));
    backoff.resumeDue();
    assertThat(consumer.paused()).containsExactly(P0);
    assertThat(backoff.isPaused(P0)).isTrue();

    advance(Duration.ofMillis(1));
    backoff.resumeDue();
    assertThat(consumer.paused()).isEmpty();
    assertThat(backoff.isPaused(P0)).isFalse();
  }

  @Test
  void thePollWaitsNoLongerThanUntilTheEarliestPartitionIsDue() {
    assertThat(backoff.pollTimeoutNanos(MAX_POLL)).isEqualTo(MAX_POLL);
    backoff.pause(List.of(P0), Duration.ofMillis(300));
    advance(Duration.ofMillis(100));
    backoff.pause(List.of(P1), Duration.ofMillis(50));
    assertThat(backoff.pollTimeoutNanos(MAX_POLL)).isEqualTo(Duration.ofMillis(50).toNanos());

    advance(Duration.ofMillis(80)); // P1 is overdue: poll without waiting
    assertThat(backoff.pollTimeoutNanos(MAX_POLL)).isZero();
    backoff.resumeDue();
    assertThat(consumer.paused()).containsExactly(P0);
    assertThat(backoff.pollTimeoutNanos(MAX_POLL)).isEqualTo(Duration.ofMillis(120).toNanos());
    assertThat(backoff.pollTimeoutNanos(Duration.ofMillis(10).toNanos()))
        .isEqualTo(Duration.ofMillis(10).toNanos());
  }

  @Test
  void pausingAgainSetsTheNewTime() {
    backoff.pause(List.of(P0, P1), Duration.ofMillis(100));
    backoff.pause(List.of(P0), Duration.ofMillis(500));
    advance(Duration.ofMillis(100));
    backoff.resumeDue();
    assertThat(consumer.paused()).containsExactly(P0);
  }

  @Test
  void aPartitionRevokedWhilePausedIsNotResumed() {
    backoff.pause(List.of(P0, P1), Duration.ofMillis(100));
    consumer.assignPartitions(List.of(P1));
    advance(Duration.ofMillis(100));
    backoff.resumeDue(); // resuming P0 would throw: it is no longer assigned
    assertThat(consumer.paused()).isEmpty();
    assertThat(backoff.isPaused(P0)).isFalse();
  }

  @Test
  void aForgottenPartitionNoLongerShortensThePoll() {
    backoff.pause(List.of(P0), Duration.ofMillis(100));
    backoff.forget(List.of(P0));
    assertThat(backoff.isPaused(P0)).isFalse();
    assertThat(backoff.pollTimeoutNanos(MAX_POLL)).isEqualTo(MAX_POLL);
  }

  private void advance(Duration duration) {
    now.addAndGet(duration.toNanos());
  }
}
