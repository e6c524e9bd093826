package io.outboxkit.saga;

import java.sql.Connection;

/**
 * The command a participant's handler runs, with the transaction to run it in.
 *
 * @param connection the participant's transaction: do the work through it, do not commit, roll back or close it
 * @param sagaType the saga's type
 * @param sagaId the saga's id
 * @param step the step's index
 * @param stepName the step's name
 * @param phase ACTION or COMPENSATION
 * @param commandType the command's type
 * @param attempt which send of the command this is, from 1
 */
public record ParticipantContext(Connection connection, String sagaType, String sagaId, int step, String stepName,
    SagaPhase phase, String commandType, int attempt) {
}
