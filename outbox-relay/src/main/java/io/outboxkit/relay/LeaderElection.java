package io.outboxkit.relay;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One active relay per slot: with high availability, the relay that holds the slot's leader lock streams and
 * the others stand by. The lock is a session-level advisory lock taken on the relay's {@link
 * ControlConnection}; PostgreSQL releases it when that session ends, also when the relay's process dies, so
 * a standby can take over. Without high availability every relay leads.
 *
 * <p>Used by the relay's monitor thread only.
 */
final class LeaderElection {

  private static final Logger log = LoggerFactory.getLogger(LeaderElection.class);

  /** First key of OutboxKit's advisory locks ("OBX1"); the second is derived from the slot name. */
  static final int LOCK_CLASS = 0x4F425831;

  private final boolean highAvailability;
  private final String slotName;
  private final ControlConnection control;
  /** The control session that took the lock; null when none does (a new session does not hold it). */
  private @Nullable Connection lockSession;

  LeaderElection(RelaySettings settings, ControlConnection control) {
    this.highAvailability = settings.highAvailability();
    this.slotName = settings.replicationSlot();
    this.control = control;
  }

  /**
   * True if this relay may stream: without high availability always; with it, if its session holds the leader
   * lock already or takes it now.
   *
   * @throws SQLException if the database cannot be asked
   */
  boolean tryLead() throws SQLException {
    if (!highAvailability || holdsLock()) {
      return true;
    }
    lockSession = null;
    Connection session = control.connection();
    try (PreparedStatement statement = session.prepareStatement("SELECT pg_try_advisory_lock(?, ?)")) {
      statement.setInt(1, LOCK_CLASS);
      statement.setInt(2, slotName.hashCode());
      try (ResultSet row = statement.executeQuery()) {
        row.next();
        if (row.getBoolean(1)) {
          lockSession = session;
        }
      }
    }
    return lockSession != null;
  }

  /**
   * While streaming: true if this relay still leads. A lock lost with its session (the database restarted, the
   * connection broke) is taken again if it is free; false if another relay has it, or it cannot be asked.
   */
  boolean stillLeads() {
    if (!highAvailability || holdsLock()) {
      return true;
    }
    try {
      return tryLead();
    } catch (SQLException e) {
      log.warn("relay for slot {}: cannot reach the database to renew the leader lock: {}", slotName, e.getMessage());
      return false;
    }
  }

  /** Releases the lock, by ending the control session; a standby may take over. */
  void release() {
    lockSession = null;
    control.close();
  }

  private boolean holdsLock() {
    Connection session = lockSession;
    return session != null && control.isAlive(session);
  }
}
