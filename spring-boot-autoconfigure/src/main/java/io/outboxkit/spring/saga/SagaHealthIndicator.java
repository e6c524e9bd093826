package io.outboxkit.spring.saga;

import io.outboxkit.saga.SagaOrchestrator;
import java.time.Duration;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

/**
 * The sagas' health: {@code DOWN} when sagas in progress are overdue (their next check passed more than
 * {@code outbox.saga.overdue-after} ago: no scanner moves them), else {@code UP}. Details: sagas running,
 * compensating, FAILED (waiting for an operator; shown, but not DOWN: the application works) and overdue.
 */
final class SagaHealthIndicator implements HealthIndicator {

  private final SagaOrchestrator orchestrator;
  private final Duration overdueAfter;

  SagaHealthIndicator(SagaOrchestrator orchestrator, Duration overdueAfter) {
    this.orchestrator = orchestrator;
    this.overdueAfter = overdueAfter;
  }

  @Override
  public Health health() {
    SagaOrchestrator.Summary summary = orchestrator.summary(overdueAfter);
    Health.Builder health = summary.overdue() > 0 ? Health.down() : Health.up();
    return health.withDetail("running", summary.running())
        .withDetail("compensating", summary.compensating())
        .withDetail("failed", summary.failed())
        .withDetail("overdue", summary.overdue())
        .build();
  }
}
