package io.outboxkit.spring.writer;

import io.outboxkit.core.OutboxConfigurationException;
import io.outboxkit.core.OutboxException;
import io.outboxkit.core.OutboxReplication;
import io.outboxkit.core.SchemaScripts;
import io.outboxkit.core.ServerUnavailableException;
import io.outboxkit.core.TableName;
import io.outboxkit.core.internal.DatabaseFailures;
import io.outboxkit.core.internal.OutboxCatalog.ReplicationSlot;
import io.outboxkit.core.internal.OutboxCatalog;
import io.outboxkit.spring.OutboxProperties;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checks once, when the auto-configured writer is created, that the database holds what the writer needs: in
 * the table modes the outbox table with the columns the writer inserts, in the wal-message mode the replication
 * slot (without it the events are lost for good). A failure names the property to set and the SQL to run.
 */
final class OutboxSchemaCheck {

  private static final Logger log = LoggerFactory.getLogger(OutboxSchemaCheck.class);

  private static final String TURN_OFF = " To start without this check, set outbox.writer.verify-schema=false.";

  private final OutboxProperties outbox;

  OutboxSchemaCheck(OutboxProperties outbox) {
    this.outbox = outbox;
  }

  /**
   * Runs the check on one connection of {@code dataSource}.
   *
   * @throws OutboxConfigurationException if the table or slot is missing or unfit; the message says what to do
   * @throws ServerUnavailableException if the database cannot be reached
   * @throws OutboxException if no connection can be had otherwise, or the catalog cannot be read
   */
  void run(DataSource dataSource) {
    boolean table = outbox.mode().readsTable();
    String slot = table ? "" : OutboxReplication.requireName("outbox.replication-slot", outbox.replicationSlot());
    String what = table ? "that the outbox table " + outbox.table().tableName() + " exists"
        : "that the replication slot '" + slot + "' exists";
    Connection connection = connect(dataSource, what);
    String where = "the application's database";
    try {
      where = where(connection);
      if (table) {
        checkTable(connection, where);
      } else {
        checkSlot(connection, slot, where);
      }
    } catch (SQLException e) {
      throw new OutboxException("cannot check " + what + " in " + where + " (PostgreSQL: " + e.getMessage()
          + "): if the application's database user may not read PostgreSQL's catalog, set "
          + "outbox.writer.verify-schema=false", e);
    } finally {
      try {
        connection.close();
      } catch (SQLException e) {
        log.debug("closing the connection of the outbox schema check failed: {}", e.getMessage());
      }
    }
  }

  private static Connection connect(DataSource dataSource, String what) {
    try {
      return dataSource.getConnection();
    } catch (SQLException | RuntimeException e) { // a pool may wrap the driver's SQLException in its own
      String message = "cannot connect to the application's database to check " + what + " (" + reason(e)
          + "): check the DataSource's settings (spring.datasource.url, spring.datasource.username, "
          + "spring.datasource.password) and that PostgreSQL is running, then start again." + TURN_OFF;
      throw DatabaseFailures.isUnavailable(e) ? new ServerUnavailableException(message, e)
          : new OutboxException(message, e);
    }
  }

  private void checkTable(Connection connection, String where) throws SQLException {
    TableName table = outbox.table().tableName();
    List<String> columns = OutboxCatalog.columns(connection, table);
    if (columns.isEmpty()) {
      throw new OutboxConfigurationException("outbox table " + table + " does not exist in " + where
          + " (or that user cannot see it), and outbox.mode=" + mode() + " writes every event there. Install it "
          + "before the first event: set outbox.writer.initialize-schema=true, or apply outbox-core's SQL set "
          + SchemaScripts.LOCATION_V1 + " (its scripts in order, the replication slot's outside a transaction) with "
          + "your migration tool, with the placeholders " + placeholderValues() + ". If the outbox table has another name, set outbox.table.schema and outbox.table.name." + TURN_OFF);
    }
    List<String> missing = OutboxCatalog.missingColumns(columns, OutboxCatalog.EVENT_COLUMNS);
    if (!missing.isEmpty()) {
      throw new OutboxConfigurationException("outbox table " + table + " in " + where + " lacks the column(s) "
          + String.join(", ", missing) + ", which the writer inserts ("
          + String.join(", ", OutboxCatalog.EVENT_COLUMNS) + "): set outbox.table.schema and outbox.table.name to "
          + "the outbox table, or create it as outbox-core's " + SchemaScripts.OUTBOX_TABLE_V1 + " does." + TURN_OFF);
    }
    log.info("outbox table {} checked in {}: it has the columns the writer inserts", table, where);
  }

  private void checkSlot(Connection connection, String slot, String where) throws SQLException {
    String database = connection.getCatalog();
    ReplicationSlot found = OutboxCatalog.replicationSlot(connection, slot);
    String create = "SELECT pg_create_logical_replication_slot('" + slot + "', '" + OutboxReplication.PLUGIN + "')";
    if (found == null) {
      throw new OutboxConfigurationException("replication slot '" + slot + "' does not exist (looked up from "
          + where + "), and with outbox.mode=" + mode() + " events exist only in the write-ahead log, which "
          + "PostgreSQL keeps for a logical slot only from the slot's creation on: events written now would be "
          + "lost for good. Create the slot before the first event: set outbox.writer.initialize-schema=true, or "
          + "run " + create + " in database " + database + " (outside a transaction; outbox-core's "
          + SchemaScripts.REPLICATION_SLOT_V1 + " does the same with the placeholder slot=" + slot + "). If the "
          + "relay streams from another slot, set "
          + "outbox.replication-slot to its name." + TURN_OFF);
    }
    if (!found.servesDatabase(database)) {
      throw new OutboxConfigurationException("replication slot '" + slot + "' exists but is a " + found.type()
          + " slot" + (found.plugin() == null ? "" : " for plugin " + found.plugin())
          + (found.database() == null ? "" : " in database " + found.database()) + ", and the WAL messages of "
          + "outbox.mode=" + mode() + " reach the relay only through a logical " + OutboxReplication.PLUGIN
          + " slot in database " + database + ": set outbox.replication-slot to the relay's slot for this "
          + "database, or create one with " + create + " under a new name." + TURN_OFF);
    }
    log.info("replication slot {} checked: a logical {} slot in {}", slot, OutboxReplication.PLUGIN, where);
  }

  /** The values of the SQL set's placeholders for these properties, as a migration tool is to be given them. */
  private String placeholderValues() {
    TableName table = outbox.table().tableName();
    Map<String, String> values =
        SchemaScripts.placeholders(table, table.schema(), outbox.publication(), outbox.replicationSlot());
    return String.join(", ", SchemaScripts.OUTBOX_TABLE + "=" + values.get(SchemaScripts.OUTBOX_TABLE),
        SchemaScripts.RELAY_SCHEMA + "=" + values.get(SchemaScripts.RELAY_SCHEMA),
        SchemaScripts.PUBLICATION + "=" + values.get(SchemaScripts.PUBLICATION),
        SchemaScripts.SLOT + "=" + values.get(SchemaScripts.SLOT));
  }

  /** The mode as the property {@code outbox.mode} is written. */
  private String mode() {
    return outbox.mode().name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  /** {@code database orders as user 'app'}; never the URL, which may carry a password. */
  private static String where(Connection connection) throws SQLException {
    return "database " + connection.getCatalog() + " as user '" + connection.getMetaData().getUserName() + "'";
  }

  /** The driver's message, found below a pool's wrapper exception. */
  private static String reason(Throwable failure) {
    @Nullable Throwable cause = failure;
    while (cause != null && !(cause instanceof SQLException)) {
      cause = cause.getCause() == cause ? null : cause.getCause();
    }
    return String.valueOf((cause != null ? cause : failure).getMessage());
  }
}
