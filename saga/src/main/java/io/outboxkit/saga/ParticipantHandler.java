package io.outboxkit.saga;

import java.sql.SQLException;

/**
 * Handles one type of command at a participant, in the participant's transaction, behind the barrier: it is
 * called at most once per saga, step and phase with a committed result. Return {@link Reply#success()} or
 * {@link Reply#failure(String)}; throwing rolls back the handler's work and replies ERROR.
 *
 * @param <C> the command's body, read from JSON
 */
@FunctionalInterface
public interface ParticipantHandler<C> {

  Reply handle(C command, ParticipantContext context) throws SQLException;
}
