package io.outboxkit.spring.saga;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.outboxkit.saga.SagaOrchestrator;
import java.time.Duration;
import java.util.function.ToDoubleFunction;

/**
 * The gauge {@code outboxkit.saga.active} with tag {@code state} ({@code running}, {@code compensating},
 * {@code failed}, {@code overdue}): sagas in that state across all instances, read from the database at most
 * every 5 s. The orchestrator records its own counters and timers ({@code outboxkit.saga.started},
 * {@code .duration}, {@code .step.duration}, ...) in the same registry through its builder.
 */
final class SagaMeters implements MeterBinder {

  private static final long SAMPLE_NANOS = Duration.ofSeconds(5).toNanos();

  private final SagaOrchestrator orchestrator;
  private final Duration overdueAfter;
  private SagaOrchestrator.Summary summary = new SagaOrchestrator.Summary(0, 0, 0, 0);
  private long sampledAt;
  private boolean sampled;

  SagaMeters(SagaOrchestrator orchestrator, Duration overdueAfter) {
    this.orchestrator = orchestrator;
    this.overdueAfter = overdueAfter;
  }

  @Override
  public void bindTo(MeterRegistry registry) {
    gauge(registry, "running", s -> s.running());
    gauge(registry, "compensating", s -> s.compensating());
    gauge(registry, "failed", s -> s.failed());
    gauge(registry, "overdue", s -> s.overdue());
  }

  private void gauge(MeterRegistry registry, String state, ToDoubleFunction<SagaOrchestrator.Summary> value) {
    Gauge.builder("outboxkit.saga.active", this, meters -> value.applyAsDouble(meters.sample()))
        .description("sagas by state across all instances, now").tag("state", state).strongReference(true)
        .register(registry);
  }

  private synchronized SagaOrchestrator.Summary sample() {
    long now = System.nanoTime();
    if (!sampled || now - sampledAt > SAMPLE_NANOS) {
      try {
        summary = orchestrator.summary(overdueAfter);
      } catch (RuntimeException e) {
        // the database is unavailable: keep the last values; the health shows the outage
      }
      sampledAt = now;
      sampled = true;
    }
    return summary;
  }
}
