package io.outboxkit.saga;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Collection;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/** {@link SagaMeters} in a Micrometer registry. Loaded only when a registry is given. */
final class MicrometerSagaMeters extends SagaMeters {

  private final MeterRegistry registry;

  MicrometerSagaMeters(Object meterRegistry, Collection<String> sagaTypes) {
    this.registry = (MeterRegistry) meterRegistry;
    for (String sagaType : sagaTypes) { // registered at zero: a dashboard shows 0, not "no data"
      started(sagaType, 0);
      compensating(sagaType, 0);
      ignoredReplies(sagaType, 0);
      for (SagaPhase phase : SagaPhase.values()) {
        timeouts(sagaType, phase, 0);
      }
      for (SagaState state : SagaState.values()) {
        if (state.isFinal()) {
          duration(sagaType, state);
        }
      }
    }
  }

  @Override
  void started(String sagaType) {
    started(sagaType, 1);
  }

  @Override
  void finished(String sagaType, SagaState state, @Nullable Duration sinceStart) {
    duration(sagaType, state).record(sinceStart == null ? Duration.ZERO : sinceStart);
  }

  @Override
  void compensating(String sagaType) {
    compensating(sagaType, 1);
  }

  @Override
  void timedOut(String sagaType, SagaPhase phase) {
    timeouts(sagaType, phase, 1);
  }

  @Override
  void ignoredReply(String sagaType) {
    ignoredReplies(sagaType, 1);
  }

  @Override
  void replied(String sagaType, String step, SagaPhase phase, String outcome, @Nullable Duration waited) {
    if (waited != null) {
      Timer.builder(STEP_DURATION).description("from a step's last send to the reply the saga waited on")
          .tag(SAGA_TYPE, sagaType).tag(STEP, step).tag(PHASE, lower(phase.name())).tag(OUTCOME, lower(outcome))
          .register(registry).record(waited);
    }
  }

  private void started(String sagaType, int count) {
    counter(STARTED, "sagas started by this instance", sagaType).increment(count);
  }

  private void compensating(String sagaType, int count) {
    counter(COMPENSATING, "sagas that began compensating", sagaType).increment(count);
  }

  private void ignoredReplies(String sagaType, int count) {
    counter(IGNORED_REPLIES, "replies for a step the saga no longer waited on", sagaType).increment(count);
  }

  private void timeouts(String sagaType, SagaPhase phase, int count) {
    Counter.builder(TIMEOUTS).description("step reply deadlines that passed").tag(SAGA_TYPE, sagaType)
        .tag(PHASE, lower(phase.name())).register(registry).increment(count);
  }

  private Timer duration(String sagaType, SagaState state) {
    return Timer.builder(DURATION).description("sagas that reached a final state: from start to the end")
        .tag(SAGA_TYPE, sagaType).tag(STATE, lower(state.name())).register(registry);
  }

  private Counter counter(String name, String description, String sagaType) {
    return Counter.builder(name).description(description).tag(SAGA_TYPE, sagaType).register(registry);
  }

  private static String lower(String name) {
    return name.toLowerCase(Locale.ROOT);
  }
}
