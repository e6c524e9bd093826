package io.outboxkit.inbox.kafka;

import dev.failsafe.Execution;
import dev.failsafe.RetryPolicy;
import dev.failsafe.RetryPolicyBuilder;
import java.time.Duration;

/**
 * When to try a failed record again, and when to give up. Failsafe computes the delays (exponential backoff
 * with jitter) and counts the attempts; its standalone {@link Execution} only records outcomes and never
 * sleeps, so the poll loop keeps polling (with the record's partition paused) while a retry is due.
 */
final class RetrySchedule {

  private final int maxAttempts;
  private final RetryPolicy<Object> recordPolicy;
  private final RetryPolicy<Object> outagePolicy;

  RetrySchedule(int maxAttempts, Duration initialDelay, Duration maxDelay, double multiplier, double jitter) {
    this.maxAttempts = maxAttempts;
    this.recordPolicy = backoff(initialDelay, maxDelay, multiplier, jitter).withMaxAttempts(maxAttempts).build();
    // An unreachable database or broker is not the record's fault: retried without a limit.
    this.outagePolicy = backoff(initialDelay, maxDelay, multiplier, jitter).withMaxRetries(-1).build();
  }

  private static RetryPolicyBuilder<Object> backoff(Duration initialDelay, Duration maxDelay, double multiplier,
      double jitter) {
    RetryPolicyBuilder<Object> builder = RetryPolicy.builder().handle(Throwable.class);
    if (multiplier == 1.0 || initialDelay.compareTo(maxDelay) >= 0) {
      builder.withDelay(initialDelay);
    } else {
      builder.withBackoff(initialDelay, maxDelay, multiplier);
    }
    if (jitter > 0) {
      // Failsafe's jitter factor varies each delay by up to that fraction of it either way: core's Jitter
      builder.withJitter(jitter);
    }
    return builder;
  }

  int maxAttempts() {
    return maxAttempts;
  }

  /** Attempts of one record, limited to the configured number. */
  Attempts newRecordAttempts() {
    return new Attempts(Execution.of(recordPolicy));
  }

  /** Attempts through an outage: unlimited. */
  Attempts newOutageAttempts() {
    return new Attempts(Execution.of(outagePolicy));
  }

  /** The failures of one record (or of one outage) so far. */
  static final class Attempts {

    private final Execution<Object> execution;

    private Attempts(Execution<Object> execution) {
      this.execution = execution;
    }

    /** Records a failed attempt; afterwards {@link #exhausted()} and {@link #delay()} tell what follows. */
    void failed(Throwable failure) {
      if (!execution.isComplete()) {
        execution.recordException(failure);
      }
    }

    /** How many attempts failed. */
    int count() {
      return execution.getAttemptCount();
    }

    /** True when no attempt is left. */
    boolean exhausted() {
      return execution.isComplete();
    }

    /** How long to wait before the next attempt (jitter included). */
    Duration delay() {
      return execution.getDelay();
    }
  }
}
