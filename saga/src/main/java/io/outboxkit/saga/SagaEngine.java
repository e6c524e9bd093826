package io.outboxkit.saga;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.outboxkit.core.OutboxEvent;
import io.outboxkit.core.internal.DatabaseFailures;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The state machine: works out each transition of a {@link SagaRun} (what to send, what to record, when to
 * look again) inside the caller's transaction. Local steps and local compensations run on that transaction's
 * connection, each behind a savepoint so that a failing one rolls back alone. Thread-safe (no state of its
 * own beyond the immutable settings).
 */
final class SagaEngine {

  private static final Logger log = LoggerFactory.getLogger(SagaEngine.class);
  private static final int MAX_REASON_LENGTH = 2000;

  private final ObjectMapper mapper;
  private final String replyChannel;
  private final Clock clock;
  private final SagaCounters counters;

  SagaEngine(ObjectMapper mapper, String replyChannel, Clock clock, SagaCounters counters) {
    this.mapper = mapper;
    this.replyChannel = replyChannel;
    this.clock = clock;
    this.counters = counters;
  }

  /** A new saga's first transition: runs from step 0. */
  <D> void start(SagaRun run, SagaDefinition<D> definition, D data, Connection connection) throws SQLException {
    run.data = data;
    run.record(definition.step(0), "SAGA", "STARTED", null);
    advance(run, definition, 0, connection);
  }

  /** A reply for the step and phase the saga waits on; anything else was filtered out before. */
  <D> void onReply(SagaRun run, SagaDefinition<D> definition, SagaPhase phase, String outcome,
      @Nullable String reason, @Nullable String effect, @Nullable String body, Connection connection)
      throws SQLException {
    Step<D> step = definition.step(run.step);
    counters.replied(run, step, phase, outcome);
    if (phase == SagaPhase.ACTION) {
      if ("SUCCESS".equals(outcome)) {
        actionSucceeded(run, definition, step, body, connection);
      } else {
        actionFailed(run, definition, step, outcome, reason, connection);
      }
    } else if ("SUCCESS".equals(outcome)) {
      run.record(step, "COMPENSATION", "COMPENSATED", "NONE".equals(effect) ? "null compensation: the action had"
          + " not been applied" : null);
      compensateFrom(run, definition, run.step - 1, connection);
    } else {
      run.record(step, "COMPENSATION", "COMPENSATION_FAILED", outcome + ": " + reason);
      compensationFailed(run, definition, step, outcome + ": " + reason);
    }
  }

  /** The scanner found the saga due: a reply deadline, a retry time or the saga's deadline has come. */
  <D> void onDue(SagaRun run, SagaDefinition<D> definition, Connection connection) throws SQLException {
    Step<D> step = definition.step(run.step);
    Instant now = clock.instant();
    if (run.state == SagaState.RUNNING && !run.pivotPassed && run.sagaDeadline != null
        && !now.isBefore(run.sagaDeadline)) {
      String reason = "the saga's deadline " + run.sagaDeadline + " passed at step '" + step.name + "'";
      run.record(step, "SAGA", "TIMED_OUT", reason);
      boolean sent = !step.isLocal() && run.attempt > 0;
      beginCompensation(run, definition, sent ? run.step : run.step - 1, reason, connection);
      return;
    }
    boolean timedOut = "REPLY".equals(run.waitingFor);
    if (run.state == SagaState.RUNNING) {
      if (timedOut) {
        run.record(step, "ACTION", "TIMED_OUT", "no reply within " + step.timeout);
        counters.timedOut(run.sagaType, SagaPhase.ACTION);
      }
      if (step.isLocal()) {
        advance(run, definition, run.step, connection);
      } else if (run.pivotPassed || run.attempt < step.retry.maxAttempts()) {
        send(run, definition, step, run.attempt + 1, connection);
      } else {
        beginCompensation(run, definition, run.step, "step '" + step.name + "' did not succeed in " + run.attempt
            + (run.attempt == 1 ? " attempt" : " attempts") + (timedOut ? " (no reply within " + step.timeout + ")"
            : ""), connection);
      }
    } else if (run.state == SagaState.COMPENSATING) {
      if (timedOut) {
        run.record(step, "COMPENSATION", "TIMED_OUT", "no reply within " + step.timeout);
        counters.timedOut(run.sagaType, SagaPhase.COMPENSATION);
      }
      if (run.attempt < step.compensationRetry.maxAttempts()) {
        if (step.isLocal()) {
          run.attempt++;
          runLocalCompensation(run, definition, step, connection);
        } else {
          sendCompensation(run, definition, step, run.attempt + 1);
        }
      } else {
        fail(run, step, "the compensation of step '" + step.name + "' did not succeed in " + run.attempt
            + " attempts" + (run.lastError == null ? "" : "; the saga was compensating because: " + run.lastError));
      }
    }
  }

  private <D> void advance(SagaRun run, SagaDefinition<D> definition, int from, Connection connection)
      throws SQLException {
    for (int index = from; index < definition.steps().size(); index++) {
      Step<D> step = definition.step(index);
      if (index != run.step) {
        run.step = index;
        run.attempt = 0;
      }
      if (!step.isLocal()) {
        send(run, definition, step, 1, connection);
        return;
      }
      run.attempt++;
      String failure = runLocal(run, definition, step.local, connection);
      if (failure != null) {
        run.record(step, "ACTION", "FAILED", failure);
        if (run.pivotPassed) {
          scheduleRetry(run, step, step.retry);
        } else {
          beginCompensation(run, definition, index - 1, "local step '" + step.name + "' failed: " + failure,
              connection);
        }
        return;
      }
      run.record(step, "ACTION", "SUCCEEDED", null);
      if (step.pivot) {
        run.pivotPassed = true;
      }
    }
    run.finish(SagaState.COMPLETED);
    run.record(definition.step(run.step), "SAGA", "COMPLETED", null);
    counters.finished(run, SagaState.COMPLETED);
  }

  private <D> void actionSucceeded(SagaRun run, SagaDefinition<D> definition, Step<D> step, @Nullable String body,
      Connection connection) throws SQLException {
    if (step.replyHandler != null && step.replyType != null) {
      try {
        Object reply = body == null ? null : mapper.readValue(body, step.replyType);
        step.replyHandler.onReply(data(run, definition), reply);
        run.dataJson = write(run.data);
      } catch (JsonProcessingException | RuntimeException e) {
        String reason = "the reply of step '" + step.name + "' could not be taken in: " + describe(e);
        run.record(step, "ACTION", "FAILED", reason);
        restoreData(run);
        beginCompensation(run, definition, run.step, reason, connection);
        return;
      }
    }
    run.record(step, "ACTION", "SUCCEEDED", null);
    if (step.pivot) {
      run.pivotPassed = true;
    }
    advance(run, definition, run.step + 1, connection);
  }

  private <D> void actionFailed(SagaRun run, SagaDefinition<D> definition, Step<D> step, String outcome,
      @Nullable String reason, Connection connection) throws SQLException {
    String detail = outcome + ": " + reason;
    run.record(step, "ACTION", "FAILED", detail);
    boolean transientFailure = "ERROR".equals(outcome) || step.transientFailures.contains(reason);
    if (run.pivotPassed || (transientFailure && run.attempt < step.retry.maxAttempts())) {
      scheduleRetry(run, step, step.retry);
      return;
    }
    // The participant rolled its work back, but a copy of the command may still be on its way (a resend
    // after a timeout): the step is compensated too, which for an action never applied is a null
    // compensation that also blocks such a late copy.
    beginCompensation(run, definition, run.step, "step '" + step.name + "' failed: " + detail, connection);
  }

  private <D> void beginCompensation(SagaRun run, SagaDefinition<D> definition, int from, String reason,
      Connection connection) throws SQLException {
    run.state = SagaState.COMPENSATING;
    run.lastError = truncate(reason);
    run.record(definition.step(Math.max(0, Math.min(run.step, definition.steps().size() - 1))), "SAGA",
        "COMPENSATING", reason);
    counters.compensating(run.sagaType);
    compensateFrom(run, definition, from, connection);
  }

  private <D> void compensateFrom(SagaRun run, SagaDefinition<D> definition, int from, Connection connection)
      throws SQLException {
    for (int index = from; index >= 0; index--) {
      Step<D> step = definition.step(index);
      if (!step.hasCompensation()) {
        continue;
      }
      run.step = index;
      run.attempt = 0;
      if (step.isLocal()) {
        run.attempt = 1;
        runLocalCompensation(run, definition, step, connection);
        return;
      }
      sendCompensation(run, definition, step, 1);
      return;
    }
    run.finish(SagaState.COMPENSATED);
    run.record(definition.step(Math.max(0, run.step)), "SAGA", "COMPENSATED", null);
    counters.finished(run, SagaState.COMPENSATED);
  }

  /** Runs a local compensation; on success goes on with the steps before it. False when it failed. */
  private <D> boolean runLocalCompensation(SagaRun run, SagaDefinition<D> definition, Step<D> step,
      Connection connection) throws SQLException {
    String failure = runLocal(run, definition, step.localCompensation, connection);
    if (failure != null) {
      run.record(step, "COMPENSATION", "COMPENSATION_FAILED", failure);
      compensationFailed(run, definition, step, failure);
      return false;
    }
    run.record(step, "COMPENSATION", "COMPENSATED", null);
    compensateFrom(run, definition, step.index - 1, connection);
    return true;
  }

  private <D> void compensationFailed(SagaRun run, SagaDefinition<D> definition, Step<D> step, String reason) {
    if (run.attempt < step.compensationRetry.maxAttempts()) {
      scheduleRetry(run, step, step.compensationRetry);
    } else {
      fail(run, step, "the compensation of step '" + step.name + "' failed " + run.attempt + " times, last: "
          + reason + (run.lastError == null ? "" : "; the saga was compensating because: " + run.lastError));
    }
  }

  private void fail(SagaRun run, Step<?> step, String reason) {
    run.finish(SagaState.FAILED);
    run.lastError = truncate(reason);
    run.record(step, "SAGA", "FAILED", reason);
    counters.finished(run, SagaState.FAILED);
    log.warn("{} is FAILED and needs an operator: {}", run, reason);
  }

  private void scheduleRetry(SagaRun run, Step<?> step, RetryPolicy policy) {
    Duration delay = policy.delayAfter(Math.max(1, run.attempt));
    run.waitingFor = "RETRY";
    run.nextCheckAt = bounded(run, clock.instant().plus(delay));
    run.record(step, run.state == SagaState.COMPENSATING ? "COMPENSATION" : "ACTION", "RETRY_SCHEDULED",
        "in " + delay.toMillis() + " ms");
  }

  private <D> void send(SagaRun run, SagaDefinition<D> definition, Step<D> step, int attempt,
      Connection connection) throws SQLException {
    String payload;
    try {
      payload = write(step.command.apply(data(run, definition)));
    } catch (JsonProcessingException | RuntimeException e) {
      String reason = "the command of step '" + step.name + "' could not be made: " + describe(e);
      run.record(step, "ACTION", "FAILED", reason);
      if (run.pivotPassed) {
        run.attempt = attempt;
        scheduleRetry(run, step, step.retry);
      } else {
        beginCompensation(run, definition, step.index - 1, reason, connection);
      }
      return;
    }
    emit(run, step, SagaPhase.ACTION, step.commandType, payload, attempt);
  }

  private <D> void sendCompensation(SagaRun run, SagaDefinition<D> definition, Step<D> step, int attempt) {
    String payload;
    try {
      payload = write(step.compensation.apply(data(run, definition)));
    } catch (JsonProcessingException | RuntimeException e) {
      run.attempt = attempt;
      fail(run, step, "the compensating command of step '" + step.name + "' could not be made: " + describe(e));
      return;
    }
    emit(run, step, SagaPhase.COMPENSATION, step.compensationType, payload, attempt);
  }

  private void emit(SagaRun run, Step<?> step, SagaPhase phase, String commandType, String payload, int attempt) {
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put(SagaHeaders.SAGA_TYPE, run.sagaType);
    headers.put(SagaHeaders.SAGA_ID, run.sagaId);
    headers.put(SagaHeaders.STEP, Integer.toString(step.index));
    headers.put(SagaHeaders.STEP_NAME, step.name);
    headers.put(SagaHeaders.PHASE, phase.name());
    headers.put(SagaHeaders.ATTEMPT, Integer.toString(attempt));
    headers.put(SagaHeaders.REPLY_TO, replyChannel);
    run.commands.add(new OutboxEvent(step.participant, run.sagaId, commandType, payload, headers));
    run.attempt = attempt;
    run.waitingFor = "REPLY";
    run.nextCheckAt = bounded(run, clock.instant().plus(step.timeout));
    run.record(step, phase.name(), "SENT", commandType);
  }

  /** Before the pivot, nothing waits past the saga's deadline. */
  private static Instant bounded(SagaRun run, Instant at) {
    if (run.state == SagaState.RUNNING && !run.pivotPassed && run.sagaDeadline != null
        && run.sagaDeadline.isBefore(at)) {
      return run.sagaDeadline;
    }
    return at;
  }

  /** Runs a local action behind a savepoint; null on success, else why it failed (its writes rolled back). */
  private <D> @Nullable String runLocal(SagaRun run, SagaDefinition<D> definition, @Nullable LocalAction<D> action,
      Connection connection) throws SQLException {
    if (action == null) {
      return null;
    }
    D data = data(run, definition);
    Savepoint savepoint = connection.setSavepoint();
    try {
      action.run(data, connection);
      run.dataJson = write(data);
      connection.releaseSavepoint(savepoint);
      return null;
    } catch (SQLException e) {
      if (DatabaseFailures.isUnavailable(e)) {
        throw e;
      }
      connection.rollback(savepoint);
      restoreData(run);
      return describe(e);
    } catch (JsonProcessingException | RuntimeException e) {
      connection.rollback(savepoint);
      restoreData(run);
      return describe(e);
    }
  }

  @SuppressWarnings("unchecked")
  <D> D data(SagaRun run, SagaDefinition<D> definition) {
    if (run.data == null) {
      try {
        run.data = mapper.readValue(run.dataJson, definition.dataType());
      } catch (JsonProcessingException e) {
        throw new SagaException(run + ": its stored data cannot be read as " + definition.dataType().getName()
            + ": " + e.getOriginalMessage(), e);
      }
    }
    return (D) run.data;
  }

  private static void restoreData(SagaRun run) {
    run.data = null;
  }

  String write(@Nullable Object value) throws JsonProcessingException {
    return mapper.writeValueAsString(value);
  }

  static String describe(Throwable e) {
    String message = e instanceof JsonProcessingException json ? json.getOriginalMessage() : e.getMessage();
    return truncate(e.getClass().getSimpleName() + (message == null ? "" : ": " + message));
  }

  static String truncate(String text) {
    return text.length() <= MAX_REASON_LENGTH ? text : text.substring(0, MAX_REASON_LENGTH) + "...";
  }
}
