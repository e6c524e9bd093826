package io.outboxkit.inbox.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;

class RetryScheduleTest {

  private static final RuntimeException FAILURE = new IllegalStateException("boom");

  @Test
  void delaysGrowExponentiallyUpToTheMaximum() {
    RetrySchedule schedule = new RetrySchedule(10, Duration.ofMillis(100), Duration.ofMillis(1000), 2.0, 0.0);
    RetrySchedule.Attempts attempts = schedule.newRecordAttempts();
    List<Long> delays = new ArrayList<>();
    for (int i = 0; i < 7; i++) {
      attempts.failed(FAILURE);
      delays.add(attempts.delay().toMillis());
    }
    assertThat(delays).containsExactly(100L, 200L, 400L, 800L, 1000L, 1000L, 1000L);
  }

  @Test
  void givesUpAfterMaxAttempts() {
    RetrySchedule schedule = new RetrySchedule(3, Duration.ofMillis(10), Duration.ofMillis(100), 2.0, 0.2);
    RetrySchedule.Attempts attempts = schedule.newRecordAttempts();
    attempts.failed(FAILURE);
    assertThat(attempts.exhausted()).isFalse();
    assertThat(attempts.count()).isEqualTo(1);
    attempts.failed(FAILURE);
    assertThat(attempts.exhausted()).isFalse();
    attempts.failed(FAILURE);
    assertThat(attempts.exhausted()).isTrue();
    assertThat(attempts.count()).isEqualTo(3);
    attempts.failed(FAILURE); // recording after the end is harmless
    assertThat(attempts.count()).isEqualTo(3);
  }

  @Test
  void oneAttemptMeansNoRetry() {
    RetrySchedule.Attempts attempts =
        new RetrySchedule(1, Duration.ofMillis(10), Duration.ofMillis(100), 2.0, 0.0).newRecordAttempts();
    attempts.failed(FAILURE);
    assertThat(attempts.exhausted()).isTrue();
  }

  @RepeatedTest(20)
  void jitterStaysWithinItsFraction() {
    RetrySchedule schedule = new RetrySchedule(10, Duration.ofMillis(1000), Duration.ofMillis(8000), 2.0, 0.25);
    RetrySchedule.Attempts attempts = schedule.newRecordAttempts();
    long base = 1000;
    for (int i = 0; i < 4; i++) {
      attempts.failed(FAILURE);
      assertThat(attempts.delay().toMillis()).isBetween((long) (base * 0.75), (long) (base * 1.25));
      base *= 2;
    }
  }

  @Test
  void jitterActuallyVaries() {
    RetrySchedule schedule = new RetrySchedule(10, Duration.ofMillis(1000), Duration.ofMillis(8000), 2.0, 0.5);
    java.util.Set<Long> first = new java.util.HashSet<>();
    for (int i = 0; i < 20; i++) {
      RetrySchedule.Attempts attempts = schedule.newRecordAttempts();
      attempts.failed(FAILURE);
      first.add(attempts.delay().toMillis());
    }
    assertThat(first).hasSizeGreaterThan(1);
  }

  @Test
  void equalDelaysOrMultiplierOneGiveAFixedDelay() {
    RetrySchedule.Attempts fixed =
        new RetrySchedule(5, Duration.ofMillis(300), Duration.ofMillis(300), 2.0, 0.0).newRecordAttempts();
    RetrySchedule.Attempts flat =
        new RetrySchedule(5, Duration.ofMillis(300), Duration.ofMillis(5000), 1.0, 0.0).newRecordAttempts();
    for (int i = 0; i < 3; i++) {
      fixed.failed(FAILURE);
      flat.failed(FAILURE);
      assertThat(fixed.delay()).isEqualTo(Duration.ofMillis(300));
      assertThat(flat.delay()).isEqualTo(Duration.ofMillis(300));
    }
  }

  @Test
  void outagesAreRetriedWithoutLimitAtTheMaximumDelay() {
    RetrySchedule schedule = new RetrySchedule(2, Duration.ofMillis(100), Duration.ofMillis(400), 2.0, 0.0);
    RetrySchedule.Attempts outage = schedule.newOutageAttempts();
    for (int i = 0; i < 50; i++) {
      outage.failed(FAILURE);
    }
    assertThat(outage.exhausted()).isFalse();
    assertThat(outage.delay()).isEqualTo(Duration.ofMillis(400));
  }
}
