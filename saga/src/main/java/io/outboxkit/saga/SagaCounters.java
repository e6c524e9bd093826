package io.outboxkit.saga;

import java.util.concurrent.atomic.LongAdder;

/** What the orchestrator did since it was built, for {@link SagaOrchestrator#stats()}. Thread-safe. */
final class SagaCounters {

  private final LongAdder started = new LongAdder();
  private final LongAdder completed = new LongAdder();
  private final LongAdder compensating = new LongAdder();
  private final LongAdder compensated = new LongAdder();
  private final LongAdder failed = new LongAdder();
  private final LongAdder timedOut = new LongAdder();
  private final LongAdder ignoredReplies = new LongAdder();

  void started() {
    started.increment();
  }

  void completed() {
    completed.increment();
  }

  void compensating() {
    compensating.increment();
  }

  void compensated() {
    compensated.increment();
  }

  void failed() {
    failed.increment();
  }

  void timedOut() {
    timedOut.increment();
  }

  void ignoredReply() {
    ignoredReplies.increment();
  }

  SagaOrchestrator.Stats snapshot() {
    return new SagaOrchestrator.Stats(started.sum(), completed.sum(), compensating.sum(), compensated.sum(),
        failed.sum(), timedOut.sum(), ignoredReplies.sum());
  }
}
