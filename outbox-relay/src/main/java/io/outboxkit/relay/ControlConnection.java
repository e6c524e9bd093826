package io.outboxkit.relay;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The relay's dedicated database session: it holds the leader lock (a session-level advisory lock, released
 * by PostgreSQL when the session ends, also when the relay's process dies), samples the slot's lag and runs
 * the checks of the stream.
 * Used by the relay's monitor thread only.
 */
final class ControlConnection implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(ControlConnection.class);

  /** First key of OutboxKit's advisory locks ("OBX1"); the second is derived from the slot name. */
  static final int LOCK_CLASS = 0x4F425831;

  private final RelayDatabase database;
  private final String slotName;
  private @Nullable Connection connection;
  private boolean holdsLock;

  ControlConnection(RelayDatabase database, String slotName) {
    this.database = database;
    this.slotName = slotName;
  }

  /** Tries to take the leader lock of the slot; true if this session holds it (now or already). */
  boolean tryAcquireLock() throws SQLException {
    if (holdsLock && isAlive()) {
      return true;
    }
    holdsLock = false;
    try (PreparedStatement statement = connection().prepareStatement("SELECT pg_try_advisory_lock(?, ?)")) {
      statement.setInt(1, LOCK_CLASS);
      statement.setInt(2, slotName.hashCode());
      try (ResultSet row = statement.executeQuery()) {
        row.next();
        holdsLock = row.getBoolean(1);
      }
    }
    return holdsLock;
  }

  /** True if the session that took the lock is still there (and so the lock still held). */
  boolean stillHoldsLock() {
    return holdsLock && isAlive();
  }

  long slotLagBytes() throws SQLException {
    return database.slotLagBytes(connection());
  }

  private boolean isAlive() {
    Connection c = connection;
    if (c == null) {
      return false;
    }
    try (Statement statement = c.createStatement()) {
      statement.execute("SELECT 1");
      return true;
    } catch (SQLException e) {
      log.warn("the relay's control session to the database was lost: {}", e.getMessage());
      closeQuietly();
      return false;
    }
  }

  /** The session, opened again if it was lost (the leader lock is then no longer held). */
  Connection connection() throws SQLException {
    Connection c = connection;
    if (c == null || c.isClosed()) {
      holdsLock = false;
      try {
        c = database.connect("control");
      } catch (RuntimeException e) {
        throw new SQLException(e.getMessage(), "08001", e);
      }
      connection = c;
    }
    return c;
  }

  private void closeQuietly() {
    Connection c = connection;
    connection = null;
    holdsLock = false;
    if (c != null) {
      try {
        c.close();
      } catch (SQLException ignored) {
        // the session is gone either way
      }
    }
  }

  /** Ends the session, which releases the lock. */
  @Override
  public void close() {
    closeQuietly();
  }
}
