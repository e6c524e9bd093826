package io.outboxkit.saga;

import io.outboxkit.core.OutboxConfigurationException;
import io.outboxkit.core.internal.Jitter;
import java.time.Duration;

/**
 * How often a step's command is sent and how long to wait between sends: at most {@code maxAttempts} sends,
 * the n-th resend after a failure waiting {@code initialDelay * multiplier^(n-1)}, never more than
 * {@code maxDelay}, each delay varied by a random &plusmn;{@code jitter} fraction (0.2 means between 80% and
 * 120%). A timed-out command is sent again at once (the timeout was the wait). Jitter means the same as the
 * inbox runner's {@code jitter} and the listener error handler's {@code
 * outbox.inbox.listener.error-handler.backoff.jitter}: a fraction of each delay, both directions.
 *
 * @param maxAttempts the most sends of one command, the first included; at least 1
 * @param initialDelay the wait before the first resend after a failure reply; positive
 * @param multiplier the growth of the wait per resend; at least 1
 * @param maxDelay the cap of the wait; at least {@code initialDelay}
 * @param jitter the random variation of each wait as a fraction of it, either way: from 0 (none) up to, not
 *     including, 1
 */
public record RetryPolicy(int maxAttempts, Duration initialDelay, double multiplier, Duration maxDelay,
    double jitter) {

  /** Steps: 3 sends, 1 s then 2 s, jitter 0.2. */
  public static final RetryPolicy STEP_DEFAULT = new RetryPolicy(3, Duration.ofSeconds(1), 2, Duration.ofSeconds(30), 0.2);

  /**
   * Compensations: 8 sends, waiting 1, 2, 4, 8, 16, 32 and 60 s between failure replies (about 2 minutes of
   * waits; a send that gets no reply waits the step's timeout instead), jitter 0.2; then the saga is FAILED
   * for an operator.
   */
  public static final RetryPolicy COMPENSATION_DEFAULT =
      new RetryPolicy(8, Duration.ofSeconds(1), 2, Duration.ofSeconds(60), 0.2);

  /** Checks the values. */
  public RetryPolicy {
    if (maxAttempts < 1) {
      throw new OutboxConfigurationException("RetryPolicy maxAttempts is " + maxAttempts + ": give at least 1");
    }
    if (initialDelay == null || initialDelay.isNegative() || initialDelay.isZero()) {
      throw new OutboxConfigurationException("RetryPolicy initialDelay is " + initialDelay + ": give a positive duration");
    }
    if (!(multiplier >= 1)) {
      throw new OutboxConfigurationException("RetryPolicy multiplier is " + multiplier + ": give 1 or more");
    }
    if (maxDelay == null || maxDelay.compareTo(initialDelay) < 0) {
      throw new OutboxConfigurationException("RetryPolicy maxDelay is " + maxDelay
          + ": give at least the initialDelay " + initialDelay);
    }
    Jitter.requireFraction("RetryPolicy jitter", jitter);
  }

  /** {@code attempts} sends at most, waiting {@code delay} between them, no growth, jitter 0.2. */
  public static RetryPolicy fixed(int attempts, Duration delay) {
    return new RetryPolicy(attempts, delay, 1, delay, 0.2);
  }

  /** A copy with another number of sends. */
  public RetryPolicy withMaxAttempts(int attempts) {
    return new RetryPolicy(attempts, initialDelay, multiplier, maxDelay, jitter);
  }

  /** The wait before the send that follows send number {@code attempt} (1 for the first), jitter applied. */
  Duration delayAfter(int attempt) {
    double millis = initialDelay.toMillis() * Math.pow(multiplier, Math.max(0, attempt - 1));
    millis = Math.min(millis, maxDelay.toMillis());
    return Jitter.apply(Duration.ofMillis(Math.round(millis)), jitter);
  }
}
