package io.outboxkit.spring.saga;

import io.outboxkit.inbox.kafka.InboxKafkaRunner;
import io.outboxkit.saga.SagaOrchestrator;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntFunction;
import org.jspecify.annotations.Nullable;
import org.springframework.context.SmartLifecycle;

/**
 * Runs a saga consumer (the orchestrator's replies with its scanner, or a participant's commands) from the
 * context's start to its stop: {@code concurrency} inbox runners in the same consumer group, which share the
 * topic's partitions as instances of a service do. A runner cannot start twice, so each start builds new ones.
 */
final class SagaConsumerLifecycle implements SmartLifecycle {

  private final IntFunction<InboxKafkaRunner> runners;
  private final int concurrency;
  private final @Nullable SagaOrchestrator orchestrator;
  private final boolean autoStartup;
  private final List<InboxKafkaRunner> running = new ArrayList<>();

  /**
   * @param runners builds the runner of the given index, from 1
   * @param concurrency how many runners
   * @param orchestrator the orchestrator whose scanner runs with the consumers, null for a participant
   * @param autoStartup whether the consumers start with the application context
   */
  SagaConsumerLifecycle(IntFunction<InboxKafkaRunner> runners, int concurrency,
      @Nullable SagaOrchestrator orchestrator, boolean autoStartup) {
    this.runners = runners;
    this.concurrency = concurrency;
    this.orchestrator = orchestrator;
    this.autoStartup = autoStartup;
  }

  @Override
  public boolean isAutoStartup() {
    return autoStartup;
  }

  @Override
  public synchronized void start() {
    if (running.isEmpty()) {
      for (int index = 1; index <= concurrency; index++) {
        InboxKafkaRunner runner = runners.apply(index);
        running.add(runner);
        runner.start();
      }
      if (orchestrator != null) {
        orchestrator.startScanner();
      }
    }
  }

  @Override
  public synchronized void stop() {
    if (!running.isEmpty()) {
      if (orchestrator != null) {
        orchestrator.close();
      }
      running.forEach(InboxKafkaRunner::close);
      running.clear();
    }
  }

  @Override
  public synchronized boolean isRunning() {
    return !running.isEmpty();
  }
}
