package io.outboxkit.saga;

import java.time.Instant;
import org.jspecify.annotations.Nullable;

/**
 * One line of a saga's audit trail.
 *
 * @param step the step's index
 * @param stepName the step's name
 * @param phase {@code SAGA}, {@code ACTION} or {@code COMPENSATION}
 * @param event what happened: STARTED, SENT, SUCCEEDED, FAILED, TIMED_OUT, RETRY_SCHEDULED, COMPENSATING,
 *     COMPENSATED, COMPENSATION_FAILED, COMPLETED, FAILED, IGNORED (a reply that came late or twice), RETRIED
 *     (by an operator)
 * @param attempt the send it is about
 * @param detail a reason, the effect of a compensation, or null
 * @param at when (the database's clock)
 */
public record SagaHistoryEntry(int step, String stepName, String phase, String event, int attempt,
    @Nullable String detail, Instant at) {
}
