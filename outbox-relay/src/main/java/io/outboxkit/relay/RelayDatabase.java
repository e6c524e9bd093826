package io.outboxkit.relay;

import io.outboxkit.core.OutboxConfigurationException;
import io.outboxkit.core.OutboxException;
import io.outboxkit.core.SchemaScripts;
import io.outboxkit.core.ServerUnavailableException;
import io.outboxkit.core.TableName;
import io.outboxkit.core.internal.DatabaseFailures;
import io.outboxkit.core.internal.OutboxCatalog;
import io.outboxkit.core.internal.SqlResources;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Properties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The relay's own use of the database: start-up checks that turn PostgreSQL's errors into messages saying
 * what to change, installation of the relay tables, the publication and the slot, and the slot's lag.
 */
final class RelayDatabase {

  private static final Logger log = LoggerFactory.getLogger(RelayDatabase.class);

  private final RelaySettings settings;

  RelayDatabase(RelaySettings settings) {
    this.settings = settings;
  }

  /** Opens a connection, translating the failures a user can fix into messages that say how. */
  Connection connect(String purpose) {
    Properties properties = new Properties();
    properties.setProperty("user", settings.username());
    properties.setProperty("password", settings.password());
    settings.secretJdbcParameters().forEach(properties::setProperty);
    properties.setProperty("ApplicationName", "outboxkit-relay-" + purpose);
    properties.setProperty("connectTimeout", "10");
    properties.setProperty("socketTimeout", "60");
    properties.setProperty("tcpKeepAlive", "true");
    try {
      return DriverManager.getConnection(settings.jdbcUrl(), properties);
    } catch (SQLException e) {
      throw translate(e, "connecting to " + where());
    }
  }

  /**
   * Runs the checks and creates what is missing: relay tables, publication, slot. Each failure a user can
   * fix ends in an {@link OutboxConfigurationException} naming the setting or the statement to run.
   *
   * @return true if the slot was created now
   */
  boolean prepare(Connection connection) {
    try {
      checkWalLevel(connection);
      checkReplicationPrivilege(connection);
      if (settings.outboxTable() != null) {
        checkOutboxTable(connection, settings.outboxTable());
      }
      // relays starting at the same moment (and the writer's installer) wait for each other
      OutboxCatalog.takeInstallLock(connection, settings.publication(), false);
      try {
        installRelayTables(connection);
        return installPublicationAndSlot(connection);
      } finally {
        OutboxCatalog.releaseInstallLock(connection, settings.publication());
      }
    } catch (SQLException e) {
      throw translate(e, "preparing " + where());
    }
  }

  private void checkWalLevel(Connection connection) throws SQLException {
    String walLevel = queryString(connection, "SELECT current_setting('wal_level')");
    if (!"logical".equals(walLevel)) {
      throw new OutboxConfigurationException("PostgreSQL at " + server() + " (database " + settings.database()
          + ") runs with wal_level=" + walLevel + ", but the relay reads the WAL by logical decoding: set "
          + "wal_level = logical (in postgresql.conf, or ALTER SYSTEM SET wal_level = logical) and restart "
          + "PostgreSQL, or point jdbcUrl(..) / database(host, port, name) at a server that has it");
    }
  }

  private void checkReplicationPrivilege(Connection connection) throws SQLException {
    String sql = "SELECT r.rolreplication OR r.rolsuper OR EXISTS ("
        + " SELECT 1 FROM pg_catalog.pg_roles m WHERE m.rolname = 'rds_replication'"
        + " AND pg_catalog.pg_has_role(r.oid, m.oid, 'member'))"
        + " FROM pg_catalog.pg_roles r WHERE r.rolname = current_user";
    String allowed = queryString(connection, sql);
    if (!"t".equals(allowed) && !"true".equals(allowed)) {
      throw new OutboxConfigurationException("database user '" + settings.username()
          + "' may not use logical replication on PostgreSQL at " + server() + " (database " + settings.database()
          + "): grant it with ALTER ROLE \"" + settings.username() + "\" REPLICATION (run as a superuser), or set "
          + "username(..) to a user that has the REPLICATION attribute");
    }
  }

  private void checkOutboxTable(Connection connection, TableName table) throws SQLException {
    List<String> columns = OutboxCatalog.columns(connection, table);
    if (columns.isEmpty()) {
      throw new OutboxConfigurationException("outbox table " + table + " does not exist in database "
          + settings.database() + " at " + server() + " (or user '" + settings.username() + "' cannot see it): "
          + "install the outbox schema first (outbox-writer's OutboxSchema or its SQL file), or point "
          + "schema(..) and table(..) at the right table");
    }
    List<String> missing = OutboxCatalog.missingColumns(columns, OutboxCatalog.REQUIRED_COLUMNS);
    if (!missing.isEmpty()) {
      throw new OutboxConfigurationException("outbox table " + table + " in database " + settings.database()
          + " at " + server() + " lacks the column(s) " + missing + ": an outbox table has id, aggregatetype, "
          + "aggregateid, type, payload, tracingspancontext and headers, as in outbox-writer's schema SQL; create "
          + "it from there, or point schema(..) and table(..) at the outbox table");
    }
  }

  private void installRelayTables(Connection connection) throws SQLException {
    String sql = script(SchemaScripts.RELAY_TABLES_V1);
    try (Statement statement = connection.createStatement()) {
      statement.execute(sql);
    } catch (SQLException e) {
      if ("3F000".equals(e.getSQLState())) {
        throw new OutboxConfigurationException("schema " + settings.relaySchema() + " for the relay tables "
            + settings.offsetTable() + " and " + settings.heartbeatTable() + " does not exist in database "
            + settings.database() + " at " + server() + ": create it (CREATE SCHEMA " + settings.relaySchema()
            + "), or choose an existing schema with relaySchema(..)", e);
      }
      if ("42501".equals(e.getSQLState())) {
        throw new OutboxConfigurationException("database user '" + settings.username() + "' cannot create the "
            + "relay tables " + settings.offsetTable() + " and " + settings.heartbeatTable() + " in database "
            + settings.database() + " at " + server() + " (PostgreSQL: " + firstLine(e) + "): grant it CREATE ON "
            + "SCHEMA " + settings.relaySchema() + ", create the tables beforehand from "
            + SchemaScripts.RELAY_TABLES_V1 + " in outbox-core's jar, or choose another schema with relaySchema(..)",
            e);
      }
      throw translate(e, "creating the relay tables " + settings.offsetTable() + " and "
          + settings.heartbeatTable() + " in " + where());
    }
  }

  /**
   * Creates the publication (or adds missing tables to it) and the slot. Logs what it created.
   *
   * @return true if the slot was created now
   */
  boolean installPublicationAndSlot(Connection connection) throws SQLException {
    checkExistingSlot(connection);
    boolean slotExisted = slotExists(connection);
    // one script at a time: a slot cannot be created in a transaction that has written (the publication's)
    try (Statement statement = connection.createStatement()) {
      statement.execute(script(SchemaScripts.PUBLICATION_V1));
      statement.execute(script(SchemaScripts.REPLICATION_SLOT_V1));
    } catch (SQLException e) {
      if ("42710".equals(e.getSQLState())) { // duplicate_object: another relay instance raced us
        log.debug("publication or slot created concurrently: {}", e.getMessage());
      } else if ("42501".equals(e.getSQLState())) {
        throw new OutboxConfigurationException("database user '" + settings.username() + "' cannot create "
            + "publication " + settings.publication() + " for " + publishedTables() + " in database "
            + settings.database() + " at " + server() + " (PostgreSQL: " + firstLine(e) + "): creating or "
            + "extending a publication takes the tables' owner; run " + SchemaScripts.PUBLICATION_V1
            + " from outbox-core's jar (or outbox-writer's OutboxSchema) as the owner when installing the schema, or set username(..) to "
            + "the owner", e);
      } else {
        throw translate(e, "creating publication " + settings.publication() + " and replication slot "
            + settings.replicationSlot() + " in " + where());
      }
    }
    boolean created = !slotExisted && slotExists(connection);
    if (created) {
      log.info("created replication slot {} (pgoutput) in database {}: events committed from now on are kept for "
          + "the relay", settings.replicationSlot(), settings.database());
    }
    return created;
  }

  /**
   * Creates the slot if it is missing (dropped while the relay ran, for example), so that the engine never
   * creates one silently. Does not touch the publication.
   *
   * @return true if the slot was created now
   */
  boolean ensureSlot(Connection connection) throws SQLException {
    if (slotExists(connection)) {
      return false;
    }
    try (Statement statement = connection.createStatement()) {
      statement.execute(script(SchemaScripts.REPLICATION_SLOT_V1));
    } catch (SQLException e) {
      if ("42710".equals(e.getSQLState())) {
        return false; // another relay instance created it
      }
      throw e;
    }
    log.warn("replication slot {} did not exist any more in database {} and was created again", settings.replicationSlot(),
        settings.database());
    return true;
  }

  /**
   * Puts back what is missing of the publication before each start of the engine (not the slot: a slot that
   * went away has lost the events committed meanwhile, whatever is done then). Debezium itself no longer touches the
   * publication (its autocreate mode is off), so a publication dropped or cut down while the relay ran would
   * otherwise stay so.
   */
  void repairPublication(Connection connection) throws SQLException {
    try (Statement statement = connection.createStatement()) {
      statement.execute(script(SchemaScripts.PUBLICATION_V1));
    }
  }

  /**
   * One of outbox-core's schema scripts ({@link SchemaScripts}) with this relay's names in its placeholders:
   * the same scripts outbox-writer's installer and migration tools run.
   */
  String script(String resource) {
    return SqlResources.read(RelayDatabase.class, resource, SchemaScripts.placeholders(settings.outboxTable(),
        settings.relaySchema(), settings.publication(), settings.replicationSlot()));
  }

  /** The tables of the relay's publication, for messages. */
  private String publishedTables() {
    return settings.outboxTable() == null ? "table " + settings.heartbeatTable()
        : "tables " + settings.outboxTable() + " and " + settings.heartbeatTable();
  }

  private void checkExistingSlot(Connection connection) throws SQLException {
    OutboxCatalog.ReplicationSlot slot = OutboxCatalog.replicationSlot(connection, settings.replicationSlot());
    if (slot != null && !slot.servesDatabase(settings.database())) {
      throw new OutboxConfigurationException("replication slot " + settings.replicationSlot() + " on PostgreSQL at "
          + server() + " exists but is a " + slot.type() + " slot for plugin " + slot.plugin()
          + " in database " + slot.database() + "; the relay needs a logical pgoutput slot in database "
          + settings.database() + ": choose another name with replicationSlot(..), or drop that slot if nothing "
          + "uses it (SELECT pg_drop_replication_slot('" + settings.replicationSlot() + "'))");
    }
  }

  boolean slotExists(Connection connection) throws SQLException {
    return OutboxCatalog.replicationSlot(connection, settings.replicationSlot()) != null;
  }

  /** WAL bytes the slot holds: current WAL position minus the slot's confirmed position; -1 if no slot. */
  long slotLagBytes(Connection connection) throws SQLException {
    try (PreparedStatement statement = connection.prepareStatement(
        "SELECT pg_catalog.pg_wal_lsn_diff(pg_catalog.pg_current_wal_lsn(), confirmed_flush_lsn)::bigint"
            + " FROM pg_catalog.pg_replication_slots WHERE slot_name = ?")) {
      statement.setString(1, settings.replicationSlot());
      try (ResultSet row = statement.executeQuery()) {
        if (row.next()) {
          long lag = row.getLong(1);
          return row.wasNull() ? -1 : lag;
        }
        return -1;
      }
    }
  }

  /** The database, server and user, for messages: {@code database orders at db:5432 as user 'relay'}. */
  String where() {
    return "database " + settings.database() + " at " + server() + " as user '" + settings.username() + "'";
  }

  private String server() {
    return settings.host() + ":" + settings.port();
  }

  /** PostgreSQL's message without the server's detail and hint lines. */
  private static String firstLine(SQLException e) {
    String message = String.valueOf(e.getMessage());
    int newline = message.indexOf('\n');
    return (newline < 0 ? message : message.substring(0, newline)).trim();
  }

  /**
   * Turns an SQL failure into an exception whose message names what was being done (with the database, server
   * and user), PostgreSQL's reason, and the builder setting or statement that fixes it: an
   * {@link OutboxConfigurationException} for what a setting or a grant fixes, a {@link ServerUnavailableException}
   * when the server cannot be reached or cannot serve for now, else an {@link OutboxException}.
   */
  OutboxException translate(SQLException e, String doing) {
    String state = e.getSQLState() == null ? "" : e.getSQLState();
    String message = firstLine(e);
    return switch (state) {
      case "28P01", "28000" -> new OutboxConfigurationException("authentication failed while " + doing
          + ": check the relay's username and password (username(..), password(..)) and the server's pg_hba.conf "
          + "(PostgreSQL: " + message + ")", e);
      case "3D000" -> new OutboxConfigurationException("database " + settings.database() + " does not exist at "
          + server() + ": check the database name given to jdbcUrl(..) or database(host, port, name) (PostgreSQL: "
          + message + ")", e);
      case "42501" -> new OutboxConfigurationException("permission denied while " + doing + " (PostgreSQL: " + message
          + "): the relay's user '" + settings.username() + "' needs REPLICATION, SELECT on the outbox table, "
          + "ownership of the outbox table to create the publication, and CREATE on schema "
          + settings.relaySchema() + " for the relay tables", e);
      case "53400", "55000" -> new OutboxConfigurationException("PostgreSQL refused " + doing + " (PostgreSQL: "
          + message + "): check max_replication_slots and max_wal_senders (a slot may be left over: see "
          + "pg_replication_slots), and that wal_level = logical", e);
      default -> state.startsWith("08")
          ? new ServerUnavailableException("cannot reach PostgreSQL while " + doing + " (" + message
              + "): check the host and port given to jdbcUrl(..) or database(host, port, name), the network, and "
              + "that PostgreSQL is running", e)
          : DatabaseFailures.isUnavailable(e)
          ? new ServerUnavailableException("PostgreSQL cannot serve the relay for now while " + doing + " ("
              + message + ", SQLState " + state + "): start the relay again once the server is back", e)
          : new OutboxException("PostgreSQL failed while " + doing + ": " + message + " [SQLState " + state + "]", e);
    };
  }

  private static String queryString(Connection connection, String sql) throws SQLException {
    try (Statement statement = connection.createStatement(); ResultSet row = statement.executeQuery(sql)) {
      row.next();
      return row.getString(1);
    }
  }
}
