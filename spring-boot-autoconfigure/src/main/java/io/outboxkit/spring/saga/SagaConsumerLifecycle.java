package io.outboxkit.spring.saga;

import io.outboxkit.inbox.kafka.InboxKafkaRunner;
import io.outboxkit.saga.SagaOrchestrator;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.springframework.context.SmartLifecycle;

/**
 * Runs a saga consumer (the orchestrator's replies with its scanner, or a participant's commands) from the
 * context's start to its stop. A runner cannot start twice, so each start builds a new one.
 */
final class SagaConsumerLifecycle implements SmartLifecycle {

  private final Supplier<InboxKafkaRunner> runners;
  private final @Nullable SagaOrchestrator orchestrator;
  private @Nullable InboxKafkaRunner runner;

  SagaConsumerLifecycle(Supplier<InboxKafkaRunner> runners, @Nullable SagaOrchestrator orchestrator) {
    this.runners = runners;
    this.orchestrator = orchestrator;
  }

  @Override
  public synchronized void start() {
    if (runner == null) {
      runner = runners.get();
      runner.start();
      if (orchestrator != null) {
        orchestrator.startScanner();
      }
    }
  }

  @Override
  public synchronized void stop() {
    if (runner != null) {
      if (orchestrator != null) {
        orchestrator.close();
      }
      runner.close();
      runner = null;
    }
  }

  @Override
  public synchronized boolean isRunning() {
    return runner != null;
  }
}
