package io.outboxkit.saga;

import java.time.Instant;
import org.jspecify.annotations.Nullable;

/**
 * A saga as stored: for operators and tests.
 *
 * @param sagaType the definition's name
 * @param sagaId the saga's business id
 * @param state where it is
 * @param step the index of the step in progress or being compensated (after COMPLETED, the last step)
 * @param stepName that step's name
 * @param attempt sends of that step's command in the current phase
 * @param waitingFor {@code REPLY} (a command is out), {@code RETRY} (a resend is due), or null when final
 * @param pivotPassed whether the pivot step succeeded (the saga only goes forward)
 * @param data the saga's data as JSON
 * @param version incremented by every transition
 * @param nextCheckAt when the scanner looks at it again, or null when final
 * @param sagaDeadline the saga's deadline, or null
 * @param lastError why it compensates or failed, or null
 * @param createdAt when it started
 * @param updatedAt when it last moved
 */
public record SagaInstance(String sagaType, String sagaId, SagaState state, int step, String stepName, int attempt,
    @Nullable String waitingFor, boolean pivotPassed, String data, long version, @Nullable Instant nextCheckAt,
    @Nullable Instant sagaDeadline, @Nullable String lastError, Instant createdAt, Instant updatedAt) {
}
