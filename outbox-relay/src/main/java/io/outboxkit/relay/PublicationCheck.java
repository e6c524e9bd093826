package io.outboxkit.relay;

import io.outboxkit.core.TableName;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Reads what the relay's publication holds now, while the relay runs: pgoutput silently skips the changes
 * of a table that is not in the publication, and a dropped publication stops the stream for good, so both
 * are checked every few seconds rather than at start only.
 *
 * <p>The {@linkplain State#identity() identity} names the catalog rows behind the membership (the
 * publication's oid, the row that puts each table in it, the table's oid): it changes when the publication
 * is dropped and made again, or a table leaves it and joins again, even between two checks. A changed
 * identity means the stream may have a gap.
 */
final class PublicationCheck {

  private final RelaySettings settings;
  private @Nullable String sql;

  PublicationCheck(RelaySettings settings) {
    this.settings = settings;
  }

  /**
   * What the publication holds.
   *
   * @param publicationOid the publication's oid; null if it does not exist
   * @param outbox how the outbox table is in it ({@code table:<oid>}, {@code schema:<oid>} or {@code all},
   *     then {@code @<table oid>}); null if it is not, or in WAL-message mode
   * @param outboxExists whether the outbox table exists (always true in WAL-message mode)
   * @param heartbeat how the heartbeat table is in it; null if it is not
   */
  record State(@Nullable Long publicationOid, @Nullable String outbox, boolean outboxExists,
      @Nullable String heartbeat) {

    /** The catalog identity of the membership; equal identities mean nothing left and came back between. */
    String identity() {
      return publicationOid + "|" + outbox + "|" + heartbeat;
    }
  }

  State read(Connection connection) throws SQLException {
    TableName outbox = settings.outboxTable();
    Membership heartbeat = membership(connection, settings.heartbeatTable());
    if (outbox == null) {
      return new State(heartbeat.publicationOid(), null, true, heartbeat.token());
    }
    Membership table = membership(connection, outbox);
    return new State(heartbeat.publicationOid(), table.token(), table.tableOid() != null, heartbeat.token());
  }

  /** A table's place in the publication: each part null when missing. */
  private record Membership(@Nullable Long publicationOid, @Nullable String tableOid, @Nullable String token) {
  }

  private Membership membership(Connection connection, TableName table) throws SQLException {
    try (PreparedStatement statement = connection.prepareStatement(sql(connection))) {
      statement.setString(1, table.qualified());
      statement.setString(2, settings.publication());
      try (ResultSet row = statement.executeQuery()) {
        if (!row.next()) {
          return new Membership(null, tableOid(connection, table), null);
        }
        return new Membership(row.getLong(1), row.getString(2), row.getString(3));
      }
    }
  }

  private static @Nullable String tableOid(Connection connection, TableName table) throws SQLException {
    try (PreparedStatement statement =
        connection.prepareStatement("SELECT pg_catalog.to_regclass(?)::oid::text")) {
      statement.setString(1, table.qualified());
      try (ResultSet row = statement.executeQuery()) {
        row.next();
        return row.getString(1);
      }
    }
  }

  private String sql(Connection connection) throws SQLException {
    if (sql == null) {
      boolean schemas = connection.getMetaData().getDatabaseMajorVersion() >= 15;
      String member = "(SELECT 'table:' || r.oid FROM pg_catalog.pg_publication_rel r"
          + " WHERE r.prpubid = p.oid AND r.prrelid = c.oid)";
      if (schemas) { // FOR TABLES IN SCHEMA exists from PostgreSQL 15 on
        member = "COALESCE(" + member + ", (SELECT 'schema:' || n.oid FROM pg_catalog.pg_publication_namespace n"
            + " WHERE n.pnpubid = p.oid AND n.pnnspid = c.relnamespace))";
      }
      sql = "SELECT p.oid::text, c.oid::text,"
          + " CASE WHEN c.oid IS NULL THEN NULL WHEN p.puballtables THEN 'all@' || c.oid"
          + " ELSE " + member + " || '@' || c.oid END"
          + " FROM pg_catalog.pg_publication p LEFT JOIN pg_catalog.pg_class c ON c.oid = pg_catalog.to_regclass(?)"
          + " WHERE p.pubname = ?";
    }
    return sql;
  }

  /** Null when the publication holds what the relay reads; otherwise what is wrong and how to repair it. */
  @Nullable String problem(State state) {
    String publication = settings.publication();
    String database = "database " + settings.database() + " at " + settings.host() + ":" + settings.port();
    if (!state.outboxExists()) {
      return "outbox table " + settings.outboxTable() + " no longer exists in " + database + ": nothing can be "
          + "streamed from it; create it again (outbox-writer's OutboxSchema or its SQL file); the relay goes on "
          + "by itself once the table is back in publication " + publication;
    }
    List<String> missing = new ArrayList<>();
    if (settings.outboxTable() != null && state.outbox() == null) {
      missing.add(settings.outboxTable().qualified());
    }
    if (state.heartbeat() == null) {
      missing.add(settings.heartbeatTable().qualified());
    }
    if (state.publicationOid() == null) {
      return "publication " + publication + " was dropped from " + database + ": the stream stops at the next "
          + "change; repair with CREATE PUBLICATION " + publication + " FOR TABLE " + String.join(", ", missing)
          + " WITH (publish = 'insert') (or restart the relay, which creates it); the relay then moves its slot "
          + "past the drop and "
          + (settings.walMessageMode() ? "reports the WAL range whose messages are lost"
              : "reads the events written meanwhile from the outbox table again");
    }
    if (missing.isEmpty()) {
      return null;
    }
    return "table(s) " + String.join(", ", missing) + " left publication " + publication + " in " + database
        + ": PostgreSQL does not stream their changes while they are out of it; repair with ALTER PUBLICATION "
        + publication + " ADD TABLE " + String.join(", ", missing) + " (or restart the relay, which adds them); "
        + "the relay then reads the events written meanwhile from the outbox table again";
  }
}
