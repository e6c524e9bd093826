package io.outboxkit.spring.kafka;

import io.outboxkit.core.internal.Jitter;
import io.outboxkit.spring.inbox.InboxProperties;
import java.time.Duration;
import org.springframework.util.backoff.BackOff;
import org.springframework.util.backoff.BackOffExecution;

/**
 * The listener error handler's delays: {@code delay * multiplier^n} up to {@code max-delay}, each varied by
 * the {@code jitter} fraction either way, for {@code attempts - 1} retries (the first delivery is an
 * attempt). Not Spring's {@code ExponentialBackOff}: its jitter is an absolute amount that never takes the
 * first delay below {@code delay}, while OutboxKit's jitter is a fraction of each delay in both directions,
 * as in the inbox runner and the saga's retry policy.
 */
final class ListenerBackOff implements BackOff {

  private final InboxProperties.Backoff backoff;
  private final int retries;

  ListenerBackOff(InboxProperties.ErrorHandler settings) {
    this.backoff = settings.backoff();
    this.retries = settings.attempts() - 1;
  }

  @Override
  public BackOffExecution start() {
    return new BackOffExecution() {
      private int retry;

      @Override
      public long nextBackOff() {
        if (retry >= retries) {
          return STOP;
        }
        double millis = Math.min(backoff.delay().toMillis() * Math.pow(backoff.multiplier(), retry),
            backoff.maxDelay().toMillis());
        retry++;
        return Jitter.apply(Duration.ofMillis(Math.round(millis)), backoff.jitter()).toMillis();
      }
    };
  }
}
