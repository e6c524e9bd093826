package io.outboxkit.core.internal;

import io.outboxkit.core.OutboxReplication;
import io.outboxkit.core.TableName;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * What PostgreSQL's catalog says about the outbox table and the replication slot, read the same way by the
 * relay's start-up checks and the writer's (in the Spring integration). Each caller words its own messages,
 * naming its own settings.
 */
public final class OutboxCatalog {

  /**
   * The columns of the outbox table that the writer inserts and the relay reads, in the layout's order: all
   * but {@code created_at}, which has a default.
   */
  public static final List<String> EVENT_COLUMNS =
      List.of("id", "aggregatetype", "aggregateid", "type", "payload", "tracingspancontext", "headers");

  /** The columns the relay cannot do without; it reads the other {@link #EVENT_COLUMNS} when they exist. */
  public static final List<String> REQUIRED_COLUMNS = EVENT_COLUMNS.subList(0, 4);

  /**
   * Takes the advisory lock under which everything that installs the objects of one publication (the outbox
   * table, the relay's tables, the publication, the slot) waits for the others: the same DDL run at the same
   * moment in two sessions fails in one of them (a duplicate key in PostgreSQL's catalog). {@code
   * transactionLevel}: released at the transaction's end; otherwise held by the session until {@link
   * #releaseInstallLock}.
   */
  public static void takeInstallLock(Connection connection, String publication, boolean transactionLevel)
      throws SQLException {
    String function = transactionLevel ? "pg_advisory_xact_lock" : "pg_advisory_lock";
    try (PreparedStatement lock = connection.prepareStatement("SELECT pg_catalog." + function
        + "(pg_catalog.hashtext(?))")) {
      lock.setString(1, INSTALL_LOCK + publication);
      lock.execute();
    }
  }

  /** Releases the session-level lock of {@link #takeInstallLock}. */
  public static void releaseInstallLock(Connection connection, String publication) throws SQLException {
    try (PreparedStatement unlock = connection.prepareStatement(
        "SELECT pg_catalog.pg_advisory_unlock(pg_catalog.hashtext(?))")) {
      unlock.setString(1, INSTALL_LOCK + publication);
      unlock.execute();
    }
  }

  private static final String INSTALL_LOCK = "outboxkit.install:";

  private OutboxCatalog() {
  }

  /**
   * The columns of {@code table}, in the table's order; empty when the table does not exist or the
   * connection's user cannot see it.
   */
  public static List<String> columns(Connection connection, TableName table) throws SQLException {
    List<String> columns = new ArrayList<>();
    try (PreparedStatement statement = connection.prepareStatement(
        "SELECT a.attname FROM pg_catalog.pg_attribute a WHERE a.attrelid = to_regclass(?)"
            + " AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum")) {
      statement.setString(1, table.qualified());
      try (ResultSet rows = statement.executeQuery()) {
        while (rows.next()) {
          columns.add(rows.getString(1));
        }
      }
    }
    return columns;
  }

  /** Those of {@code needed} that {@code columns} lacks, in the order of {@code needed}. */
  public static List<String> missingColumns(Collection<String> columns, List<String> needed) {
    List<String> missing = new ArrayList<>();
    for (String column : needed) {
      if (!columns.contains(column)) {
        missing.add(column);
      }
    }
    return missing;
  }

  /** The replication slot {@code name} on the connection's server, or null when there is none. */
  public static @Nullable ReplicationSlot replicationSlot(Connection connection, String name) throws SQLException {
    try (PreparedStatement statement = connection.prepareStatement(
        "SELECT slot_type, plugin, database FROM pg_catalog.pg_replication_slots WHERE slot_name = ?")) {
      statement.setString(1, name);
      try (ResultSet row = statement.executeQuery()) {
        return row.next() ? new ReplicationSlot(name, row.getString(1), row.getString(2), row.getString(3)) : null;
      }
    }
  }

  /**
   * A row of {@code pg_replication_slots}.
   *
   * @param name the slot's name
   * @param type {@code logical} or {@code physical}
   * @param plugin the logical decoding plugin; null for a physical slot
   * @param database the database of a logical slot; null for a physical slot
   */
  public record ReplicationSlot(String name, String type, @Nullable String plugin, @Nullable String database) {

    /** Whether the relay can stream {@code database} from it: a logical slot with plugin pgoutput there. */
    public boolean servesDatabase(String database) {
      return "logical".equals(type) && OutboxReplication.PLUGIN.equals(plugin) && database.equals(this.database);
    }
  }
}
