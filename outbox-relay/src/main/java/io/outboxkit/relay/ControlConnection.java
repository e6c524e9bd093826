package io.outboxkit.relay;

import io.outboxkit.core.internal.JdbcTransactions;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The relay's dedicated database session: the {@link LeaderElection} takes its lock on it (a session-level
 * lock, so PostgreSQL releases it when the session ends), and the monitor samples the slot's lag and runs the
 * checks of the stream on it. Opened again when lost. Used by the relay's monitor thread only.
 */
final class ControlConnection implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(ControlConnection.class);

  private final RelayDatabase database;
  private @Nullable Connection connection;

  ControlConnection(RelayDatabase database) {
    this.database = database;
  }

  long slotLagBytes() throws SQLException {
    return database.slotLagBytes(connection());
  }

  /**
   * True if {@code session} is still this control session and answers. A session that does not answer is
   * closed (and so whatever it held released); the next {@link #connection()} opens a new one.
   */
  boolean isAlive(Connection session) {
    Connection c = connection;
    if (c == null || c != session) {
      return false;
    }
    try (Statement statement = c.createStatement()) {
      statement.execute("SELECT 1");
      return true;
    } catch (SQLException e) {
      log.warn("the relay's control session to the database was lost: {}", e.getMessage());
      close();
      return false;
    }
  }

  /** The session, opened again if it was lost (what the lost one held, such as the leader lock, is gone). */
  Connection connection() throws SQLException {
    Connection c = connection;
    if (c == null || c.isClosed()) {
      try {
        c = database.connect("control");
      } catch (RuntimeException e) {
        throw new SQLException(e.getMessage(), "08001", e);
      }
      connection = c;
    }
    return c;
  }

  /** Ends the session, which releases what it held. */
  @Override
  public void close() {
    Connection c = connection;
    connection = null;
    JdbcTransactions.closeQuietly(c);
  }
}
