package io.outboxkit.relay;

import java.time.Duration;

/**
 * When an engine that ended on its own is started again: after a backoff of 1 s doubling to 60 s over the
 * failures in a row ({@link Backoff#ENGINE_RESTART}); an engine that ran longer than {@link #NEW_ROW_AFTER}
 * begins a new row. From the third failure in a row the relay is no longer
 * starting: it delivers nothing and reports {@link RelayState#STALLED}. Thread-safe.
 */
final class EngineRestarts {

  /** An engine that ran longer than this before it failed begins a new row of failures. */
  static final Duration NEW_ROW_AFTER = Duration.ofMinutes(1);

  /** Engine failures in a row after which the relay reports STALLED rather than STARTING. */
  static final int FAILURES_BEFORE_STALLED = 3;

  /** What follows one failure: the attempt it was in its row, and the wait before the next engine. */
  record Restart(int attempt, Duration delay) {

    /** The relay's state until the next engine runs. */
    RelayState state() {
      return attempt >= FAILURES_BEFORE_STALLED ? RelayState.STALLED : RelayState.STARTING;
    }
  }

  private final Backoff backoff;
  private Backoff.Attempts failures;
  /** No engine starts before this System.nanoTime(). */
  private long notBefore;

  EngineRestarts() {
    this(Backoff.ENGINE_RESTART);
  }

  EngineRestarts(Backoff backoff) {
    this.backoff = backoff;
    this.failures = backoff.start();
    this.notBefore = System.nanoTime();
  }

  /** An engine that ran for {@code ran} ended on its own: when the next one may start. */
  synchronized Restart failed(Duration ran) {
    if (ran.compareTo(NEW_ROW_AFTER) > 0) {
      failures = backoff.start();
    }
    failures.failed();
    Duration delay = failures.delay();
    notBefore = System.nanoTime() + delay.toNanos();
    return new Restart(failures.count(), delay);
  }

  /** Milliseconds to wait before an engine may start (at least 1 while there is a wait); 0 when it may now. */
  synchronized long millisToWait() {
    long wait = notBefore - System.nanoTime();
    return wait > 0 ? Math.max(1, wait / 1_000_000) : 0;
  }

  /** Forgets the failures: a new start of the relay. */
  synchronized void reset() {
    failures = backoff.start();
    notBefore = System.nanoTime();
  }
}
