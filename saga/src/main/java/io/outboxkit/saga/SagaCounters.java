package io.outboxkit.saga;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.LongAdder;
import org.jspecify.annotations.Nullable;

/**
 * What the orchestrator did since it was built, for {@link SagaOrchestrator#stats()}, and the same events for
 * the meters (see {@link SagaMeters}). Counted when the transition is worked out, inside its transaction: a
 * transition rolled back and made again (a lost database connection, say) counts twice. Thread-safe.
 */
final class SagaCounters {

  private final LongAdder started = new LongAdder();
  private final LongAdder completed = new LongAdder();
  private final LongAdder compensating = new LongAdder();
  private final LongAdder compensated = new LongAdder();
  private final LongAdder failed = new LongAdder();
  private final LongAdder timedOut = new LongAdder();
  private final LongAdder ignoredReplies = new LongAdder();
  private final SagaMeters meters;
  private final Clock clock;

  SagaCounters(SagaMeters meters, Clock clock) {
    this.meters = meters;
    this.clock = clock;
  }

  void started(String sagaType) {
    started.increment();
    meters.started(sagaType);
  }

  /** The saga reached {@code state}, a final one. */
  void finished(SagaRun run, SagaState state) {
    switch (state) {
      case COMPLETED -> completed.increment();
      case COMPENSATED -> compensated.increment();
      case FAILED -> failed.increment();
      default -> throw new IllegalArgumentException(state + " is not a final state");
    }
    meters.finished(run.sagaType, state, since(run.createdAt));
  }

  void compensating(String sagaType) {
    compensating.increment();
    meters.compensating(sagaType);
  }

  void timedOut(String sagaType, SagaPhase phase) {
    timedOut.increment();
    meters.timedOut(sagaType, phase);
  }

  void ignoredReply(String sagaType) {
    ignoredReplies.increment();
    meters.ignoredReply(sagaType);
  }

  /** A reply the saga waited on came in for {@code step}; the command went out at the saga's last transition. */
  void replied(SagaRun run, Step<?> step, SagaPhase phase, String outcome) {
    meters.replied(run.sagaType, step.name, phase, outcome, since(run.updatedAt));
  }

  private @Nullable Duration since(@Nullable Instant then) {
    if (then == null) {
      return null;
    }
    Duration elapsed = Duration.between(then, clock.instant());
    return elapsed.isNegative() ? Duration.ZERO : elapsed;
  }

  SagaOrchestrator.Stats snapshot() {
    return new SagaOrchestrator.Stats(started.sum(), completed.sum(), compensating.sum(), compensated.sum(),
        failed.sum(), timedOut.sum(), ignoredReplies.sum());
  }
}
