package io.outboxkit.relay;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Debezium's position of this relay as stored in {@code outboxkit_relay_offset}, held against the slot's
 * confirmed position before each engine start; forgotten where it no longer fits the slot, so that the engine
 * starts at the slot's own position.
 *
 * <p>Debezium confirms to the slot the stored offset's {@code lsn_commit} (its {@code lsn_proc} when there is
 * none), and only for records the relay marked processed, that is acknowledged by the broker. The slot can be
 * past that stored value in two ways: another client streamed from the slot (a Kafka Connect connector after
 * a move, {@code pg_replication_slot_advance}), or the engine's stop confirmed its last records to the slot
 * after the final write of the position failed (Debezium's task confirms on stop whatever the store's write
 * did). Either way PostgreSQL never streams a logical slot from before its {@code confirmed_flush_lsn},
 * whatever position the client asks for, so forgetting the stored position loses nothing the slot still
 * holds; keeping it makes Debezium refuse to start once the slot's {@code restart_lsn} has passed it ("no
 * longer available on the server"), on every engine start. So the rule needs no margin for flush lag: a
 * stored position behind the slot is forgotten, one at or ahead of it (the normal case: the store is written
 * before the slot is confirmed) is kept. Used by the monitor thread only.
 */
final class StoredPosition {

  private static final Logger log = LoggerFactory.getLogger(StoredPosition.class);
  private static final JsonFactory JSON = new JsonFactory();

  private final RelaySettings settings;

  StoredPosition(RelaySettings settings) {
    this.settings = settings;
  }

  /** Forgets the stored position: the next engine starts at the slot's confirmed position. */
  void forget(Connection connection) throws SQLException {
    try (PreparedStatement statement = connection.prepareStatement(
        "DELETE FROM " + settings.offsetTable().qualified() + " WHERE store_name = ?")) {
      statement.setString(1, settings.engineName());
      statement.executeUpdate();
    }
  }

  /**
   * Forgets the stored position if the slot's confirmed position is past it, with one warning.
   *
   * @return true if it was forgotten
   */
  boolean forgetIfBehindSlot(Connection connection) throws SQLException {
    Long confirmed = confirmedFlush(connection);
    Long stored = stored(connection);
    if (confirmed == null || stored == null || Long.compareUnsigned(stored, confirmed) >= 0) {
      return false;
    }
    forget(connection);
    log.warn("relay for slot {}: the slot's confirmed position {} is past the relay's stored position {}: another "
            + "client consumed the slot (a Kafka Connect connector after a move, for example), or the relay's last "
            + "position was confirmed to the slot but not stored; PostgreSQL cannot stream from before the slot's "
            + "confirmed position, so nothing the slot still holds is lost: the stored position is forgotten and the "
            + "relay starts at {}", settings.replicationSlot(), Lsn.format(confirmed), Lsn.format(stored),
        Lsn.format(confirmed));
    return true;
  }

  /** The slot's confirmed_flush_lsn; null if there is no slot or it has none. */
  private @Nullable Long confirmedFlush(Connection connection) throws SQLException {
    try (PreparedStatement statement = connection.prepareStatement("SELECT pg_catalog.pg_wal_lsn_diff("
        + "confirmed_flush_lsn, '0/0')::bigint FROM pg_catalog.pg_replication_slots WHERE slot_name = ?")) {
      statement.setString(1, settings.replicationSlot());
      try (ResultSet row = statement.executeQuery()) {
        if (!row.next()) {
          return null;
        }
        long lsn = row.getLong(1);
        return row.wasNull() ? null : lsn;
      }
    }
  }

  /** The highest position Debezium would confirm for the stored offsets of this relay; null if none. */
  private @Nullable Long stored(Connection connection) throws SQLException {
    Long highest = null;
    try (PreparedStatement statement = connection.prepareStatement(
        "SELECT offset_value FROM " + settings.offsetTable().qualified() + " WHERE store_name = ?")) {
      statement.setString(1, settings.engineName());
      try (ResultSet rows = statement.executeQuery()) {
        while (rows.next()) {
          Long position = confirmable(rows.getString(1));
          if (position != null && (highest == null || Long.compareUnsigned(position, highest) > 0)) {
            highest = position;
          }
        }
      }
    }
    return highest;
  }

  /**
   * The position Debezium confirms to the slot for a stored offset (the JSON object Kafka Connect's converter
   * wrote): {@code lsn_commit}, else {@code lsn_proc}; null if it has neither or is not such an object.
   */
  static @Nullable Long confirmable(@Nullable String offset) {
    if (offset == null) {
      return null;
    }
    Long commit = null;
    Long processed = null;
    try (JsonParser parser = JSON.createParser(offset)) {
      if (parser.nextToken() != JsonToken.START_OBJECT) {
        return null;
      }
      for (JsonToken token = parser.nextToken(); token == JsonToken.FIELD_NAME; token = parser.nextToken()) {
        String name = parser.currentName();
        JsonToken value = parser.nextToken();
        if (value == JsonToken.VALUE_NUMBER_INT && "lsn_commit".equals(name)) {
          commit = parser.getLongValue();
        } else if (value == JsonToken.VALUE_NUMBER_INT && "lsn_proc".equals(name)) {
          processed = parser.getLongValue();
        } else {
          parser.skipChildren();
        }
      }
    } catch (IOException e) {
      log.debug("stored offset not read as JSON: {}", e.getMessage());
      return null;
    }
    return commit != null ? commit : processed;
  }
}
