package io.outboxkit.core.internal;

import java.sql.Connection;
import java.sql.SQLException;
import org.jspecify.annotations.Nullable;

/**
 * The one template by which OutboxKit's modules run work in a transaction of their own on a JDBC connection
 * (the inbox's calls, the writer's writes outside a caller's transaction, the schema installers, the relay's
 * offset store).
 *
 * <ol>
 *   <li>Auto-commit is switched off when it is on; a connection already in manual-commit mode is used as it
 *       is, so its caller must have nothing uncommitted on it.
 *   <li>The work runs, then the transaction commits.
 *   <li>When the work or the commit fails, the transaction is rolled back and that failure thrown as it is; a
 *       failing rollback is added to it as suppressed.
 *   <li>Auto-commit is switched back on when it was on. After a failure, a failure to do so is added to the
 *       first as suppressed. After the commit it is not reported: the work is committed, and a connection that
 *       cannot switch back is broken, which its next use shows.
 * </ol>
 *
 * <p>The connection stays open. Stateless and thread-safe; a connection is used by one thread at a time.
 */
public final class JdbcTransactions {

  private JdbcTransactions() {
  }

  /** Work in the transaction, through its connection. */
  @FunctionalInterface
  public interface Work<T extends @Nullable Object> {
    T call(Connection connection) throws SQLException;
  }

  /** Work in the transaction that returns nothing. */
  @FunctionalInterface
  public interface Action {
    void run(Connection connection) throws SQLException;
  }

  /**
   * Runs {@code work} in a transaction of its own and returns its result once committed.
   *
   * @throws SQLException of switching auto-commit off, of the work or of the commit
   */
  public static <T extends @Nullable Object> T call(Connection connection, Work<T> work) throws SQLException {
    boolean autoCommit = connection.getAutoCommit();
    if (autoCommit) {
      connection.setAutoCommit(false);
    }
    T result;
    try {
      result = work.call(connection);
      connection.commit();
    } catch (SQLException | RuntimeException | Error failure) {
      try {
        connection.rollback();
      } catch (SQLException | RuntimeException rollbackFailure) {
        failure.addSuppressed(rollbackFailure);
      }
      if (autoCommit) {
        try {
          connection.setAutoCommit(true);
        } catch (SQLException | RuntimeException restoreFailure) {
          failure.addSuppressed(restoreFailure);
        }
      }
      throw failure;
    }
    if (autoCommit) {
      try {
        connection.setAutoCommit(true);
      } catch (SQLException | RuntimeException ignored) {
        // committed; a connection that cannot switch back is broken, which its next use shows
      }
    }
    return result;
  }

  /**
   * Runs {@code action} in a transaction of its own.
   *
   * @throws SQLException of switching auto-commit off, of the action or of the commit
   */
  public static void run(Connection connection, Action action) throws SQLException {
    call(connection, c -> {
      action.run(c);
      return null;
    });
  }

  /**
   * Closes a connection that is being given up (lost, broken or no longer needed): a failure to close it is
   * not reported, because the session is gone either way and what it held is released with it.
   */
  public static void closeQuietly(@Nullable Connection connection) {
    if (connection != null) {
      try {
        connection.close();
      } catch (SQLException ignored) {
        // nothing left to do with a connection that cannot even be closed
      }
    }
  }
}
