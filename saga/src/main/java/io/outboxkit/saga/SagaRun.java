package io.outboxkit.saga;

import io.outboxkit.core.OutboxEvent;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * One saga while a transition is worked out: the row as read (with its version), the changes, the commands
 * to write to the outbox and the history lines to add. Used by one thread in one transaction.
 */
final class SagaRun {

  /** A history line to insert. */
  record Line(int step, String stepName, String phase, String event, int attempt, @Nullable String detail) {
  }

  final String sagaType;
  final String sagaId;
  final long version;
  SagaState state;
  int step;
  int attempt;
  @Nullable String waitingFor;
  boolean pivotPassed;
  String dataJson;
  @Nullable Object data;
  @Nullable Instant nextCheckAt;
  @Nullable Instant sagaDeadline;
  @Nullable String lastError;
  /** When the saga started; null for a row read before it was known. */
  @Nullable Instant createdAt;
  /** When the row was last changed, as read: the time of the saga's last transition. */
  @Nullable Instant updatedAt;
  /** The trace context stored at the saga's start (the outbox's tracingspancontext form), or null. */
  @Nullable String traceContext;
  final List<OutboxEvent> commands = new ArrayList<>();
  final List<Line> history = new ArrayList<>();

  SagaRun(String sagaType, String sagaId, long version, SagaState state, int step, int attempt,
      @Nullable String waitingFor, boolean pivotPassed, String dataJson, @Nullable Instant nextCheckAt,
      @Nullable Instant sagaDeadline, @Nullable String lastError) {
    this.sagaType = sagaType;
    this.sagaId = sagaId;
    this.version = version;
    this.state = state;
    this.step = step;
    this.attempt = attempt;
    this.waitingFor = waitingFor;
    this.pivotPassed = pivotPassed;
    this.dataJson = dataJson;
    this.nextCheckAt = nextCheckAt;
    this.sagaDeadline = sagaDeadline;
    this.lastError = lastError;
  }

  void record(Step<?> at, String phase, String event, @Nullable String detail) {
    history.add(new Line(at.index, at.name, phase, event, attempt, detail));
  }

  void finish(SagaState finalState) {
    state = finalState;
    waitingFor = null;
    nextCheckAt = null;
  }

  @Override
  public String toString() {
    return "saga " + sagaType + "/" + sagaId;
  }
}
