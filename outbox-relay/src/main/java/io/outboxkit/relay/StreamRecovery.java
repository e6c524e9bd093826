package io.outboxkit.relay;

import io.outboxkit.core.TableName;
import io.outboxkit.core.internal.OutboxCatalog;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds gaps in the stream and fills them from the outbox table. The relay keeps, per slot, a watermark in
 * its table {@code outboxkit_relay_watermark}: the identity of the publication's membership when last
 * checked, and a transaction id below which every outbox row is known to be delivered (taken from the
 * heartbeats that came back, see {@link StreamWatch}). Before each engine start it compares them with the
 * database:
 *
 * <ul>
 *   <li>the slot was created after the outbox table (first start without a slot, or the slot was dropped):
 *       the rows already in the table were never in the stream;
 *   <li>the publication was dropped and made again: the slot cannot decode past the drop, so it is moved to
 *       the current WAL position and the rows written meanwhile are read from the table;
 *   <li>the outbox table left the publication and joined it again: its changes meanwhile were skipped.
 * </ul>
 *
 * <p>Then (table mode) it publishes, through the relay's publisher and before the engine starts, every row
 * of a transaction from the watermark on: at least once, duplicates counted as recovered events, nothing
 * lost that is still in the table. In WAL-message mode there is no table to read: the WAL range that was
 * skipped is reported as lost. Used by the monitor thread only.
 */
final class StreamRecovery {

  private static final Logger log = LoggerFactory.getLogger(StreamRecovery.class);

  /** Frozen rows carry no transaction id any more: those written this long before the watermark are read too. */
  static final String FROZEN_MARGIN = "1 hour";
  static final int FETCH_SIZE = 500;
  /** A 64-bit transaction id parameter as the 32-bit xid whose age compares with a row's. */
  private static final String XID = "pg_catalog.age((?::bigint % 4294967296)::text::xid)";

  private final RelaySettings settings;
  private final RecordMapper mapper;
  private final Metrics metrics;
  private final StoredPosition enginePosition;
  private final String table;

  StreamRecovery(RelaySettings settings, Metrics metrics, StoredPosition enginePosition) {
    this.settings = settings;
    this.mapper = new RecordMapper(settings);
    this.metrics = metrics;
    this.enginePosition = enginePosition;
    this.table = settings.watermarkTable().qualified();
  }

  /** The stored watermark of this slot. */
  record Watermark(@Nullable String identity, @Nullable Long deliveredBelowXid, @Nullable String position,
      boolean backfillPending, @Nullable Long backfillBelowXid, @Nullable Timestamp updatedAt) {
  }

  /**
   * Records that the slot was created just now: the rows of transactions that ended before then are read on
   * the next start. Those that end later are in the slot's stream; the bound is the xmin of a snapshot taken
   * now (every transaction below it has ended), so a transaction that ended just after the slot's creation is
   * read twice at most, never missed.
   */
  void slotCreated(Connection connection) throws SQLException {
    try (PreparedStatement statement = connection.prepareStatement("INSERT INTO " + table
        + " (slot_name, backfill_pending, backfill_below_xid)"
        + " VALUES (?, true, pg_catalog.pg_snapshot_xmin(pg_catalog.pg_current_snapshot())::text::bigint)"
        + " ON CONFLICT (slot_name) DO UPDATE SET backfill_pending = true,"
        + " backfill_below_xid = excluded.backfill_below_xid, updated_at = now()")) {
      statement.setString(1, settings.replicationSlot());
      statement.executeUpdate();
    }
  }

  @Nullable Watermark read(Connection connection) throws SQLException {
    try (PreparedStatement statement = connection.prepareStatement("SELECT publication, delivered_below_xid,"
        + " delivered_position, backfill_pending, backfill_below_xid, updated_at FROM " + table
        + " WHERE slot_name = ?")) {
      statement.setString(1, settings.replicationSlot());
      try (ResultSet row = statement.executeQuery()) {
        if (!row.next()) {
          return null;
        }
        long xid = row.getLong(2);
        Long delivered = row.wasNull() ? null : xid;
        long below = row.getLong(5);
        Long backfillBelow = row.wasNull() ? null : below;
        return new Watermark(row.getString(1), delivered, row.getString(3), row.getBoolean(4), backfillBelow,
            row.getTimestamp(6));
      }
    }
  }

  /** A heartbeat came back while the publication kept {@code identity}: rows below {@code xid} are delivered. */
  void advance(Connection connection, String identity, long xid, String position) throws SQLException {
    try (PreparedStatement statement = connection.prepareStatement("UPDATE " + table + " SET"
        + " delivered_below_xid = ?, delivered_position = ?, updated_at = now()"
        + " WHERE slot_name = ? AND publication = ? AND NOT backfill_pending")) {
      statement.setLong(1, xid);
      statement.setString(2, position);
      statement.setString(3, settings.replicationSlot());
      statement.setString(4, identity);
      statement.executeUpdate();
    }
  }

  /**
   * Compares the stored watermark with the publication as it is now and fills the gap, if any, before the
   * engine starts: moves the slot past a dropped publication, forgets Debezium's position where the slot
   * changed under it, and publishes the outbox rows the stream missed. Returns when they are acknowledged.
   *
   * @return a sentence on what could not be recovered (WAL-message mode), for the relay's status; null if
   *     nothing was lost
   */
  @Nullable String recover(Connection connection, PublicationCheck.State now, KafkaPublisher publisher)
      throws SQLException, InterruptedException {
    Watermark stored = read(connection);
    String identity = now.identity();
    if (stored == null) {
      store(connection, identity, null, null);
      return null;
    }
    boolean publicationRecreated = stored.identity() != null
        && !Objects.equals(publicationOid(stored.identity()), String.valueOf(now.publicationOid()));
    boolean membershipChanged = stored.identity() != null && !stored.identity().equals(identity);
    if (!stored.backfillPending() && !membershipChanged) {
      return null;
    }
    String cause = stored.backfillPending()
        ? (stored.deliveredBelowXid() == null && stored.identity() == null
            ? "replication slot " + settings.replicationSlot() + " was created after the outbox table"
            : "replication slot " + settings.replicationSlot() + " did not exist any more and was created again")
        : publicationRecreated ? "publication " + settings.publication() + " was dropped and created again"
            : "a table left publication " + settings.publication() + " and joined it again";
    String from = stored.position() == null ? "(unknown)" : stored.position();
    String skippedTo = null;
    if (publicationRecreated && !stored.backfillPending()) {
      skippedTo = moveSlotPastTheDrop(connection);
    }
    if (publicationRecreated || stored.backfillPending()) {
      enginePosition.forget(connection); // it belongs to the slot as it was
    }
    String lost = null;
    Long newXid = stored.deliveredBelowXid();
    String newPosition = stored.position();
    if (settings.walMessageMode()) {
      if (skippedTo != null || stored.deliveredBelowXid() != null) {
        lost = "WAL messages committed between positions " + from + " and "
            + (skippedTo != null ? skippedTo : "the slot's creation") + " were not delivered and cannot be ("
            + cause + "; WAL-message mode keeps no copy of its events)";
        log.error("relay for slot {}: {}", settings.replicationSlot(), lost);
      }
    } else {
      // a slot created now has in its stream every transaction that ends after its creation
      Long until = stored.backfillPending() && !membershipChanged ? stored.backfillBelowXid() : null;
      Backfill result = backfill(connection, stored, until, cause, from, publisher);
      newXid = result.xmin();
      newPosition = result.position();
    }
    store(connection, identity, newXid, newPosition);
    return lost;
  }

  private void store(Connection connection, String identity, @Nullable Long xid, @Nullable String position)
      throws SQLException {
    try (PreparedStatement statement = connection.prepareStatement("INSERT INTO " + table
        + " (slot_name, publication, delivered_below_xid, delivered_position, backfill_pending)"
        + " VALUES (?, ?, ?, ?, false) ON CONFLICT (slot_name) DO UPDATE SET publication = excluded.publication,"
        + " delivered_below_xid = excluded.delivered_below_xid, delivered_position = excluded.delivered_position,"
        + " backfill_pending = false, backfill_below_xid = NULL, updated_at = now()")) {
      statement.setString(1, settings.replicationSlot());
      statement.setString(2, identity);
      if (xid == null) {
        statement.setNull(3, java.sql.Types.BIGINT);
      } else {
        statement.setLong(3, xid);
      }
      statement.setString(4, position);
      statement.executeUpdate();
    }
  }

  private static String publicationOid(String identity) {
    int bar = identity.indexOf('|');
    return bar < 0 ? identity : identity.substring(0, bar);
  }

  /**
   * After a dropped publication the slot fails on every change made before the publication existed again:
   * it is moved to the current WAL position (fast-forward, no decoding). Returns that position.
   */
  private String moveSlotPastTheDrop(Connection connection) throws SQLException {
    try (PreparedStatement statement = connection.prepareStatement("SELECT s.confirmed_flush_lsn::text,"
        + " (pg_catalog.pg_replication_slot_advance(s.slot_name, pg_catalog.pg_current_wal_lsn())).end_lsn::text"
        + " FROM pg_catalog.pg_replication_slots s WHERE s.slot_name = ?")) {
      statement.setString(1, settings.replicationSlot());
      try (ResultSet row = statement.executeQuery()) {
        if (!row.next()) {
          throw new SQLException("replication slot " + settings.replicationSlot() + " does not exist");
        }
        log.warn("relay for slot {}: publication {} was dropped and created again; the slot cannot decode the WAL "
            + "written without it, so it was moved from {} to {}", settings.replicationSlot(), settings.publication(),
            row.getString(1), row.getString(2));
        return row.getString(2);
      }
    }
  }

  private record Backfill(long xmin, String position) {
  }

  /**
   * Publishes every outbox row of a transaction from the watermark on (all rows when there is none), in
   * transaction order, in one snapshot; returns that snapshot's xmin, the new watermark.
   */
  private Backfill backfill(Connection connection, Watermark stored, @Nullable Long until, String cause,
      String from, KafkaPublisher publisher) throws SQLException, InterruptedException {
    TableName outbox = Objects.requireNonNull(settings.outboxTable());
    List<String> columns = OutboxCatalog.columns(connection, outbox);
    boolean autoCommit = connection.getAutoCommit();
    connection.setAutoCommit(false);
    try {
      connection.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
      long snapshotXmin;
      long nextXid;
      String position;
      try (Statement statement = connection.createStatement(); ResultSet row = statement.executeQuery(
          "SELECT pg_catalog.pg_snapshot_xmin(pg_catalog.pg_current_snapshot())::text::bigint,"
              + " pg_catalog.pg_snapshot_xmax(pg_catalog.pg_current_snapshot())::text::bigint,"
              + " pg_catalog.pg_current_wal_lsn()::text")) {
        row.next();
        snapshotXmin = row.getLong(1);
        nextXid = row.getLong(2);
        position = row.getString(3);
      }
      Long since = stored.deliveredBelowXid();
      if (since != null && nextXid - since > (1L << 30)) {
        since = null; // too old to compare with 32-bit transaction ids: read everything
      }
      String which = since == null && until == null ? "every row"
          : "the rows of transactions" + (since == null ? "" : " from " + since)
              + (until == null ? " on" : " before " + until);
      log.info("relay for slot {}: the stream may lack events ({}), from position {} to {}: reading {} of "
          + "outbox table {}; events the stream delivers too are sent twice", settings.replicationSlot(), cause, from,
          position, which, outbox);
      int recovered = 0;
      try (PreparedStatement select = connection.prepareStatement(backfillQuery(columns, since != null,
          until != null))) {
        select.setFetchSize(FETCH_SIZE);
        int parameter = 1;
        if (since != null) {
          select.setTimestamp(parameter++, stored.updatedAt());
          select.setLong(parameter++, since);
        }
        if (until != null) {
          select.setLong(parameter, until);
        }
        try (ResultSet rows = select.executeQuery()) {
          List<RecordMapper.Event> events = new ArrayList<>();
          List<RecordMapper.Invalid> invalid = new ArrayList<>();
          while (rows.next()) {
            RecordMapper.Outcome outcome = mapper.rowEvent(rows.getString(1), rows.getString(2), rows.getString(3),
                rows.getString(4), rows.getString(5), rows.getString(6), rows.getString(7), -1);
            if (outcome instanceof RecordMapper.Event event) {
              events.add(event);
            } else if (outcome instanceof RecordMapper.Invalid bad) {
              invalid.add(bad);
            }
            if (events.size() + invalid.size() >= EngineProperties.MAX_BATCH_SIZE) {
              recovered += publish(publisher, events, invalid);
            }
          }
          recovered += publish(publisher, events, invalid);
        }
      }
      connection.commit();
      if (recovered > 0) {
        log.warn("relay for slot {}: {} event(s) the stream lacked were read from outbox table {} and published "
            + "({})", settings.replicationSlot(), recovered, outbox, cause);
      } else {
        log.info("relay for slot {}: no event was missing from the stream ({})", settings.replicationSlot(), cause);
      }
      return new Backfill(snapshotXmin, position);
    } finally {
      if (!connection.isClosed()) {
        try {
          connection.rollback();
        } finally {
          connection.setAutoCommit(autoCommit);
          connection.setTransactionIsolation(Connection.TRANSACTION_READ_COMMITTED);
        }
      }
    }
  }

  private int publish(KafkaPublisher publisher, List<RecordMapper.Event> events, List<RecordMapper.Invalid> invalid)
      throws InterruptedException {
    int count = events.size();
    if (count + invalid.size() > 0) {
      publisher.publish(List.copyOf(events), List.copyOf(invalid));
      metrics.recovered(count);
      events.clear();
      invalid.clear();
    }
    return count;
  }

  /**
   * The rows to read again, oldest transaction first. A row's transaction is compared with the watermark by
   * age (both relative to the same current transaction id, so 32-bit ids compare safely); a frozen row has
   * no transaction id any more and is read when it was written within {@link #FROZEN_MARGIN} of the
   * watermark (by its created_at; without that column it is not read).
   */
  private String backfillQuery(List<String> columns, boolean sinceWatermark, boolean untilSlot) {
    TableName outbox = Objects.requireNonNull(settings.outboxTable());
    String select = "SELECT id::text, aggregatetype, aggregateid, type, "
        + (columns.contains("payload") ? "payload::text" : "NULL") + ", "
        + (columns.contains("tracingspancontext") ? "tracingspancontext::text" : "NULL") + ", "
        + (columns.contains("headers") ? "headers::text" : "NULL") + " FROM " + outbox.qualified();
    if (sinceWatermark || untilSlot) {
      // frozen rows are old: all of them before a new slot, those near the watermark after it
      String frozen = !sinceWatermark ? "true" : columns.contains("created_at")
          ? "created_at >= ?::timestamptz - interval '" + FROZEN_MARGIN + "'" : "(?::timestamptz IS NULL AND false)";
      String since = sinceWatermark ? "pg_catalog.age(xmin) <= " + XID : "true";
      String until = untilSlot ? "pg_catalog.age(xmin) > " + XID : "true";
      select += " WHERE CASE WHEN pg_catalog.age(xmin) = 2147483647 THEN " + frozen
          + " ELSE " + since + " AND " + until + " END";
    }
    return select + " ORDER BY pg_catalog.age(xmin) DESC, ctid";
  }

}
