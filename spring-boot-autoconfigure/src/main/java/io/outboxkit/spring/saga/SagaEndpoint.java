package io.outboxkit.spring.saga;

import io.outboxkit.saga.SagaHistoryEntry;
import io.outboxkit.saga.SagaInstance;
import io.outboxkit.saga.SagaOrchestrator;
import io.outboxkit.saga.SagaState;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.actuate.endpoint.InvalidEndpointRequestException;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;
import org.springframework.boot.actuate.endpoint.annotation.WriteOperation;

/**
 * The operator's view of the sagas ({@code /actuator/sagas}, exposed like any endpoint with
 * {@code management.endpoints.web.exposure.include=sagas}):
 *
 * <ul>
 *   <li>{@code GET /actuator/sagas}: how many sagas are running, compensating, FAILED and overdue (all
 *       instances), and the FAILED ones with their reasons; {@code ?state=RUNNING&limit=20} lists the sagas in
 *       a state instead, least recently moved first;
 *   <li>{@code GET /actuator/sagas/{type}/{id}}: one saga with its history;
 *   <li>{@code POST /actuator/sagas/{type}/{id}}: retries a FAILED saga once its cause is repaired (it
 *       compensates again from the step whose compensation failed).
 * </ul>
 */
@Endpoint(id = "sagas")
public class SagaEndpoint {

  /** The most sagas one listing returns. */
  static final int MAX_LIMIT = 1_000;

  private final SagaOrchestrator orchestrator;
  private final Duration overdueAfter;

  SagaEndpoint(SagaOrchestrator orchestrator, Duration overdueAfter) {
    this.orchestrator = orchestrator;
    this.overdueAfter = overdueAfter;
  }

  /** The counts by state and the FAILED sagas, or the sagas in {@code state}. */
  @ReadOperation
  public Overview sagas(@Nullable String state, @Nullable Integer limit) {
    int max = limit == null ? 100 : limit;
    if (max < 1 || max > MAX_LIMIT) {
      String reason = "limit is " + max + ": give 1 to " + MAX_LIMIT;
      throw new InvalidEndpointRequestException(reason, reason);
    }
    SagaState listed = state == null ? SagaState.FAILED : parse(state);
    SagaOrchestrator.Summary summary = orchestrator.summary(overdueAfter);
    return new Overview(summary.running(), summary.compensating(), summary.failed(), summary.overdue(),
        listed.name(), orchestrator.list(listed, max));
  }

  /** One saga and its history; null (404) when there is none. */
  @ReadOperation
  public @Nullable Detail saga(@Selector String type, @Selector String id) {
    return orchestrator.find(type, id).map(saga -> new Detail(saga, orchestrator.history(type, id))).orElse(null);
  }

  /** Retries a FAILED saga; says what happened. */
  @WriteOperation
  public RetryResult retry(@Selector String type, @Selector String id) {
    if (orchestrator.retry(type, id)) {
      return new RetryResult(true, "saga " + type + "/" + id + " is compensating again from the step whose"
          + " compensation failed; follow it with GET /actuator/sagas/" + type + "/" + id);
    }
    String now = orchestrator.find(type, id).map(saga -> "it is " + saga.state()).orElse("there is no such saga");
    return new RetryResult(false, "saga " + type + "/" + id + " was not retried: " + now
        + "; only FAILED sagas are retried");
  }

  private static SagaState parse(String state) {
    try {
      return SagaState.valueOf(state.trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      String reason = "state is '" + state + "': give one of " + Arrays.toString(SagaState.values());
      throw new InvalidEndpointRequestException(reason, reason);
    }
  }

  /**
   * Counts across all instances (overdue: in progress, but not moved for longer than
   * {@code outbox.saga.overdue-after} past its next check) and the sagas listed.
   */
  public record Overview(long running, long compensating, long failed, long overdue, String listedState,
      List<SagaInstance> sagas) {
  }

  /** A saga and its history, oldest first. */
  public record Detail(SagaInstance saga, List<SagaHistoryEntry> history) {
  }

  /** Whether the saga was retried, and what to do next. */
  public record RetryResult(boolean retried, String message) {
  }
}
