package io.outboxkit.inbox;

import java.sql.Connection;
import java.sql.SQLException;

/**
 * The effect of one message, applied through the connection of the inbox's transaction.
 *
 * <p>Do the effect's database work through the given connection (or, in a Spring transaction, through any
 * Spring-managed access to the same {@code DataSource}); work done on other connections is not part of the
 * inbox's transaction. Do not commit, roll back or close the connection, nor change its auto-commit mode.
 * Throwing rolls back the message id together with the effect.
 */
@FunctionalInterface
public interface InboxEffect {

  /**
   * Applies the effect.
   *
   * @param connection the connection of the transaction that records the message id
   * @throws SQLException to abort; the caller receives it wrapped in {@link InboxEffectException}
   */
  void apply(Connection connection) throws SQLException;
}
