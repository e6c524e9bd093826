package io.outboxkit.relay;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import org.jspecify.annotations.Nullable;

/**
 * End-to-end liveness of the stream: the relay writes a heartbeat row (a change in its own publication) and
 * waits for it to come back through its own stream and its batch to be acknowledged. A heartbeat that does
 * not come back within the stall timeout, while no batch was acknowledged either, means that events cannot
 * flow, whatever the cause (publication, slot, decoding, broker).
 *
 * <p>Each heartbeat also records the oldest transaction still running when it was written (its snapshot's
 * xmin): once it is back, every outbox row of an older transaction has been delivered. That is the relay's
 * watermark, from which a recovery reads the outbox table again after a gap.
 *
 * <p>One heartbeat is in flight at a time. {@link #delivered} is called by the engine's consumer thread, the
 * rest by the monitor thread.
 */
final class StreamWatch {

  /** A heartbeat written and not seen back yet. */
  private record Probe(long id, long snapshotXmin, String position, long writtenNanos, Instant writtenAt) {
  }

  /** A heartbeat that came back: every outbox row of a transaction older than {@code xmin} was delivered. */
  record Returned(long xmin, String position, long delayMillis) {
  }

  private final RelaySettings settings;
  private final String statement;

  /** The newest heartbeat id seen in an acknowledged batch; written by the consumer thread. */
  private volatile long deliveredBeat = -1;
  private volatile @Nullable String deliveredPosition;
  private volatile long lastBatchNanos = System.nanoTime();

  private @Nullable Probe inFlight;
  private long lastWrittenNanos;
  private @Nullable Instant lastReturnedAt;
  private @Nullable String lastReturnedPosition;

  StreamWatch(RelaySettings settings) {
    this.settings = settings;
    String table = settings.heartbeatTable().qualified();
    // one statement: the insert is the heartbeat; older rows of this slot go (deletes are not published)
    this.statement = "WITH beat AS (INSERT INTO " + table + " (slot_name) VALUES (?) RETURNING id),"
        + " older AS (DELETE FROM " + table + " WHERE slot_name = ? AND id < (SELECT id FROM beat))"
        + " SELECT id, pg_catalog.pg_snapshot_xmin(pg_catalog.pg_current_snapshot())::text::bigint,"
        + " pg_catalog.pg_current_wal_lsn()::text FROM beat";
  }

  /** Forgets the heartbeat in flight: a new engine run starts (it may have been skipped by a recovery). */
  synchronized void reset() {
    inFlight = null;
    lastWrittenNanos = 0;
    lastBatchNanos = System.nanoTime();
  }

  /** Called after a batch was acknowledged, with the newest heartbeat id in it (or -1) and its position. */
  void delivered(long beatId, @Nullable String position) {
    lastBatchNanos = System.nanoTime();
    if (beatId > deliveredBeat) {
      deliveredBeat = beatId;
      deliveredPosition = position;
    }
  }

  /** Writes a heartbeat if none is in flight and the interval has passed since the last one. */
  synchronized void writeIfDue(Connection connection) throws SQLException {
    long now = System.nanoTime();
    if (inFlight != null || now - lastWrittenNanos < settings.heartbeatInterval().toNanos()) {
      return;
    }
    try (PreparedStatement insert = connection.prepareStatement(statement)) {
      insert.setString(1, settings.replicationSlot());
      insert.setString(2, settings.replicationSlot());
      try (ResultSet row = insert.executeQuery()) {
        row.next();
        inFlight = new Probe(row.getLong(1), row.getLong(2), row.getString(3), now, Instant.now());
      }
    }
    lastWrittenNanos = now;
  }

  /** The heartbeat in flight if it has come back (it is then no longer in flight); null otherwise. */
  synchronized @Nullable Returned takeReturned() {
    Probe probe = inFlight;
    if (probe == null || deliveredBeat < probe.id()) {
      return null;
    }
    inFlight = null;
    lastReturnedAt = Instant.now();
    String position = deliveredPosition;
    lastReturnedPosition = position;
    return new Returned(probe.snapshotXmin(), position == null ? probe.position() : position,
        (System.nanoTime() - probe.writtenNanos()) / 1_000_000);
  }

  /** How long the heartbeat in flight has been on its way, in ms; -1 when none is. */
  synchronized long inFlightMillis() {
    Probe probe = inFlight;
    return probe == null ? -1 : (System.nanoTime() - probe.writtenNanos()) / 1_000_000;
  }

  /**
   * Why the stream counts as stalled: a heartbeat has been in flight longer than the stall timeout and no
   * batch was acknowledged for as long. Null when it is not stalled (a relay working through a backlog
   * acknowledges batches, so it is behind, not stalled).
   */
  synchronized @Nullable String stalled() {
    Probe probe = inFlight;
    long timeout = settings.stallTimeout().toNanos();
    long now = System.nanoTime();
    if (probe == null || now - probe.writtenNanos() < timeout || now - lastBatchNanos < timeout) {
      return null;
    }
    return "no heartbeat came back through the stream for " + (now - probe.writtenNanos()) / 1_000_000_000
        + " s and no batch was acknowledged meanwhile (heartbeat " + probe.id() + " written at " + probe.writtenAt()
        + " at WAL position " + probe.position() + "; "
        + (lastReturnedAt == null ? "none came back since the engine started"
            : "the last one came back at " + lastReturnedAt + ", stream position " + lastReturnedPosition) + ")";
  }
}
