package io.outboxkit.saga;

import java.time.Duration;
import java.util.Collection;
import org.jspecify.annotations.Nullable;

/**
 * The orchestrator's Micrometer meters, all tagged {@value #SAGA_TYPE}; without a meter registry every call is
 * a no-op. Micrometer is optional: this class never touches its types ({@code MicrometerSagaMeters} does).
 *
 * <ul>
 *   <li>counters {@value #STARTED}, {@value #COMPENSATING}, {@value #IGNORED_REPLIES}, and {@value #TIMEOUTS}
 *       (tag {@value #PHASE});
 *   <li>timer {@value #DURATION}: from the saga's start to its final state, tag {@value #STATE}
 *       ({@code completed}, {@code compensated}, {@code failed}); its count by state is the number of sagas
 *       that ended so;
 *   <li>timer {@value #STEP_DURATION}: from the saga's last recorded change (the step's last send, or a late
 *       reply ignored since) to the reply the saga waited on, tags {@value #STEP}, {@value #PHASE}
 *       ({@code action}, {@code compensation}) and {@value #OUTCOME} ({@code success}, {@code failure},
 *       {@code error}); local steps are not timed.
 * </ul>
 */
class SagaMeters {

  static final String STARTED = "outboxkit.saga.started";
  static final String COMPENSATING = "outboxkit.saga.compensating";
  static final String TIMEOUTS = "outboxkit.saga.timeouts";
  static final String IGNORED_REPLIES = "outboxkit.saga.replies.ignored";
  static final String DURATION = "outboxkit.saga.duration";
  static final String STEP_DURATION = "outboxkit.saga.step.duration";
  static final String SAGA_TYPE = "saga.type";
  static final String STATE = "state";
  static final String STEP = "step";
  static final String PHASE = "phase";
  static final String OUTCOME = "outcome";

  static final SagaMeters NONE = new SagaMeters();

  SagaMeters() {
  }

  /**
   * Meters in {@code meterRegistry} (an {@code io.micrometer.core.instrument.MeterRegistry}), or none. The
   * counters and the duration timers of each of {@code sagaTypes} are registered now, at zero, so that a
   * dashboard shows a zero rather than no data; the step timers appear with their first reply.
   */
  static SagaMeters create(@Nullable Object meterRegistry, Collection<String> sagaTypes) {
    return meterRegistry == null ? NONE : new MicrometerSagaMeters(meterRegistry, sagaTypes);
  }

  void started(String sagaType) {
  }

  void finished(String sagaType, SagaState state, @Nullable Duration sinceStart) {
  }

  void compensating(String sagaType) {
  }

  void timedOut(String sagaType, SagaPhase phase) {
  }

  void ignoredReply(String sagaType) {
  }

  void replied(String sagaType, String step, SagaPhase phase, String outcome, @Nullable Duration waited) {
  }
}
