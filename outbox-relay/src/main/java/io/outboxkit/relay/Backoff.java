package io.outboxkit.relay;

import dev.failsafe.Execution;
import dev.failsafe.RetryPolicy;
import dev.failsafe.RetryPolicyBuilder;
import java.time.Duration;

/**
 * Exponential backoff without an end: the delay before the next attempt starts at an initial delay and
 * doubles with each failure up to a maximum. Failsafe's {@link RetryPolicy} computes the delays and counts
 * the attempts; its standalone {@link Execution} never sleeps, so each caller waits in a way it can cut short
 * (the publisher on its stop signal, the relay's monitor by scheduling the next launch).
 *
 * <p>Immutable and thread-safe; the {@link Attempts} of one series are not.
 */
final class Backoff {

  /** The publisher's retries of records the broker did not acknowledge: 100 ms doubling to 10 s. */
  static final Backoff PUBLISHING = new Backoff(Duration.ofMillis(100), Duration.ofSeconds(10));

  /** Starting an engine again after it ended on its own: 1 s doubling to 60 s. */
  static final Backoff ENGINE_RESTART = new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(60));

  /** Failsafe records outcomes as results or exceptions; the series only needs to know that one failed. */
  private static final Exception FAILED = new Exception("attempt failed");

  private final RetryPolicy<Object> policy;

  /** Delays from {@code initialDelay} doubling to {@code maxDelay}; always {@code initialDelay} if not below it. */
  Backoff(Duration initialDelay, Duration maxDelay) {
    RetryPolicyBuilder<Object> builder = RetryPolicy.builder().handle(Exception.class).withMaxRetries(-1);
    if (initialDelay.compareTo(maxDelay) < 0) {
      builder.withBackoff(initialDelay, maxDelay);
    } else {
      builder.withDelay(initialDelay);
    }
    this.policy = builder.build();
  }

  /** A new series of attempts, none failed yet. */
  Attempts start() {
    return new Attempts(Execution.of(policy));
  }

  /** The failed attempts of one series, and the delay before the next. Not thread-safe. */
  static final class Attempts {

    private final Execution<Object> execution;

    private Attempts(Execution<Object> execution) {
      this.execution = execution;
    }

    /** Records a failed attempt; {@link #count()} and {@link #delay()} then say what follows. */
    void failed() {
      execution.recordException(FAILED);
    }

    /** How many attempts failed. */
    int count() {
      return execution.getAttemptCount();
    }

    /** How long to wait before the next attempt; zero before the first failure. */
    Duration delay() {
      return execution.getDelay();
    }
  }
}
