package io.outboxkit.saga;

import java.sql.Connection;
import java.sql.SQLException;

/**
 * A step (or compensation) run by the orchestrator itself, in the transaction that advances the saga. It may
 * change the saga's data; throwing makes the step fail (its writes are rolled back).
 *
 * @param <D> the saga's data type
 */
@FunctionalInterface
public interface LocalAction<D> {

  void run(D data, Connection connection) throws SQLException;
}
