package io.outboxkit.writer;

import io.outboxkit.core.OutboxConfigurationException;
import io.outboxkit.core.OutboxException;
import io.outboxkit.core.OutboxReplication;
import io.outboxkit.core.SchemaScripts;
import io.outboxkit.core.ServerUnavailableException;
import io.outboxkit.core.SqlIdentifier;
import io.outboxkit.core.TableName;
import io.outboxkit.core.internal.DatabaseFailures;
import io.outboxkit.core.internal.JdbcTransactions;
import io.outboxkit.core.internal.OutboxCatalog;
import io.outboxkit.core.internal.SqlResources;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Installs the outbox schema in PostgreSQL: the outbox table, the publication the relay reads it through
 * and, by default, the relay's logical replication slot. For users without a migration tool; with Flyway or
 * Liquibase, apply outbox-core's SQL set instead ({@link SchemaScripts}, see the module's README): this class
 * runs those same scripts, with its names in their placeholders.
 *
 * <p>Install the schema, publication and slot before the first event is written: the relay starts streaming
 * at the slot's position and pgoutput only sends changes made while the table was in the publication, so
 * events written earlier would never be published.
 *
 * <pre>{@code
 * OutboxSchema.builder().build().install(dataSource);
 * }</pre>
 *
 * <p>Installing is idempotent: running it again changes nothing, also from several instances at once
 * (installers of the same publication, relays included, wait for each other on an advisory lock).
 * Names are validated identifiers, substituted quoted into the shipped SQL. Immutable and thread-safe.
 */
public final class OutboxSchema {

  private static final Logger log = LoggerFactory.getLogger(OutboxSchema.class);

  private final TableName table;
  private final SqlIdentifier publication;
  private final SqlIdentifier replicationSlot;
  private final boolean createReplicationSlot;
  private final String tableScript;
  private final String replicationSlotScript;

  private OutboxSchema(Builder builder) {
    this.table = TableName.of("OutboxSchema schema", builder.schema, "OutboxSchema table", builder.table);
    this.publication = SqlIdentifier.of("OutboxSchema publication", builder.publication);
    this.replicationSlot = builder.replicationSlot;
    this.createReplicationSlot = builder.createReplicationSlot;
    // the relay keeps its tables in the outbox table's schema unless told otherwise: where they exist, its
    // heartbeat table joins the publication as the relay would add it
    Map<String, String> placeholders =
        SchemaScripts.placeholders(table, table.schema(), publication.name(), replicationSlot.name());
    this.tableScript = SqlResources.read(OutboxSchema.class, SchemaScripts.OUTBOX_TABLE_V1, placeholders) + "\n"
        + SqlResources.read(OutboxSchema.class, SchemaScripts.PUBLICATION_V1, placeholders);
    this.replicationSlotScript =
        SqlResources.read(OutboxSchema.class, SchemaScripts.REPLICATION_SLOT_V1, placeholders);
  }

  /** A builder with the default names: {@code public.outbox_event}, publication and slot {@code outboxkit}. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * The outbox table's and the publication's scripts ({@link SchemaScripts#OUTBOX_TABLE_V1},
   * {@link SchemaScripts#PUBLICATION_V1}) with this installer's names. Run it in a transaction.
   */
  public String tableScript() {
    return tableScript;
  }

  /**
   * The replication slot's script ({@link SchemaScripts#REPLICATION_SLOT_V1}) with this installer's slot
   * name. Run it outside a transaction.
   */
  public String replicationSlotScript() {
    return replicationSlotScript;
  }

  /** The outbox table these settings install. */
  public TableName table() {
    return table;
  }

  /**
   * Installs the table and the publication in one transaction, then (unless disabled) creates the replication
   * slot outside it. Uses one connection of {@code dataSource} and closes it.
   *
   * @throws ServerUnavailableException if no connection to the database can be opened
   * @throws OutboxException if PostgreSQL refuses; the message names the step and PostgreSQL's reason
   */
  public void install(DataSource dataSource) {
    try (Connection connection = dataSource.getConnection()) {
      install(connection);
    } catch (SQLException e) {
      String message = "cannot open a connection to install the outbox schema: " + e.getMessage();
      throw DatabaseFailures.isUnavailable(e) ? new ServerUnavailableException(message, e)
          : new OutboxException(message, e);
    }
  }

  /**
   * Like {@link #install(DataSource)}, on a connection with no transaction in progress. The connection's
   * auto-commit mode is restored afterwards; the connection stays open.
   */
  public void install(Connection connection) {
    boolean autoCommit;
    try {
      autoCommit = connection.getAutoCommit();
    } catch (SQLException e) {
      throw new OutboxException("cannot use the connection to install the outbox schema: " + e.getMessage(), e);
    }
    try {
      installTable(connection);
      if (createReplicationSlot) {
        installReplicationSlot(connection);
      }
    } finally {
      try {
        connection.setAutoCommit(autoCommit);
      } catch (SQLException e) {
        log.warn("could not restore the auto-commit mode of the connection used to install the outbox schema: {}",
            e.getMessage());
      }
    }
  }

  private void installTable(Connection connection) {
    try {
      JdbcTransactions.run(connection, transaction -> {
        try (Statement statement = transaction.createStatement()) {
          // installers (and relays preparing the same publication) wait for each other
          OutboxCatalog.takeInstallLock(transaction, publication.name(), true);
          statement.execute(tableScript);
        }
      });
    } catch (SQLException e) {
      String hint = "3F000".equals(e.getSQLState())
          ? ": the schema " + table.schema().quoted() + " does not exist, create it first"
          : "42501".equals(e.getSQLState())
              ? ": the user needs CREATE on the schema and the database (for the publication)"
              : "";
      throw new OutboxException("cannot install the outbox table " + table.qualified() + " and publication "
          + publication.quoted() + hint + " [" + e.getMessage() + "]", e);
    }
    log.info("outbox table {} and publication {} installed (or already there)", table.qualified(),
        publication.quoted());
  }

  private void installReplicationSlot(Connection connection) {
    String left = "; the outbox table " + table.qualified() + " and publication " + publication.quoted()
        + " are installed, only the slot is missing: install again once this is fixed";
    try {
      connection.setAutoCommit(true);
      try (Statement statement = connection.createStatement()) {
        statement.execute(replicationSlotScript);
      } catch (SQLException e) {
        if (!"42710".equals(e.getSQLState())) { // duplicate_object: look at the slot that is there
          throw e;
        }
        OutboxCatalog.ReplicationSlot slot = OutboxCatalog.replicationSlot(connection, replicationSlot.name());
        if (slot == null || !slot.servesDatabase(connection.getCatalog())) {
          throw new OutboxConfigurationException("replication slot '" + replicationSlot + "' already exists"
              + (slot == null ? "" : " as a " + slot.type() + " slot" + (slot.plugin() == null ? ""
                  : " for plugin " + slot.plugin() + " in database " + slot.database()))
              + ", and a slot serves one database and one relay: give this database's outbox a slot of its own "
              + "(OutboxSchema.builder().replicationSlot(..), outbox.replication-slot in Spring Boot) and the "
              + "relay the same name" + left, e);
        }
        // another installer created it between the script's check and its create: it is there, as wanted
      }
    } catch (SQLException e) {
      String hint = "55000".equals(e.getSQLState())
          ? ": logical decoding needs wal_level=logical on the server"
          : "42501".equals(e.getSQLState()) ? ": the user needs the REPLICATION attribute" : "";
      throw new OutboxException("cannot create the replication slot '" + replicationSlot + "'" + hint + " ["
          + e.getMessage() + "]" + left, e);
    }
    log.info("replication slot {} (pgoutput) installed (or already there)", replicationSlot);
  }

  /** Configures an {@link OutboxSchema}. Every setter checks its value at once. Not thread-safe. */
  public static final class Builder {

    private String schema = TableName.DEFAULT_SCHEMA;
    private String table = TableName.DEFAULT_OUTBOX_TABLE;
    private String publication = OutboxReplication.DEFAULT_PUBLICATION;
    private SqlIdentifier replicationSlot =
        SqlIdentifier.of("OutboxSchema replicationSlot", OutboxReplication.DEFAULT_SLOT);
    private boolean createReplicationSlot = true;

    private Builder() {
    }

    /** The outbox table's schema, which must exist. Default {@code public}. */
    public Builder schema(String schema) {
      this.schema = SqlIdentifier.of("OutboxSchema schema", schema).name();
      return this;
    }

    /** The outbox table. Default {@code outbox_event}; give the writer and the relay the same name. */
    public Builder table(String table) {
      this.table = SqlIdentifier.of("OutboxSchema table", table).name();
      return this;
    }

    /**
     * The publication holding the outbox table. Default {@code outboxkit}; the relay must use the same.
     * Lower-case letters, digits and underscores only, at most 63: the relay accepts no other publication
     * names ({@link OutboxReplication#requireName}).
     */
    public Builder publication(String publication) {
      SqlIdentifier name = SqlIdentifier.of("OutboxSchema publication", publication);
      this.publication = OutboxReplication.requireName("OutboxSchema publication", name.name());
      return this;
    }

    /**
     * The logical replication slot. Default {@code outboxkit}; the relay must use the same. Lower-case
     * letters, digits and underscores only, at most 63 (PostgreSQL's rule for slot names).
     */
    public Builder replicationSlot(String slot) {
      SqlIdentifier name = SqlIdentifier.of("OutboxSchema replicationSlot", slot);
      OutboxReplication.requireName("OutboxSchema replicationSlot", name.name());
      this.replicationSlot = name;
      return this;
    }

    /**
     * Whether {@link OutboxSchema#install} creates the replication slot. Default {@code true}. Turn it off
     * only when the slot is created otherwise before the first event is written.
     */
    public Builder createReplicationSlot(boolean create) {
      this.createReplicationSlot = create;
      return this;
    }

    public OutboxSchema build() {
      return new OutboxSchema(this);
    }
  }
}
