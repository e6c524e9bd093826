package io.outboxkit.inbox;

import io.outboxkit.core.OutboxException;
import io.outboxkit.core.ServerUnavailableException;
import io.outboxkit.core.SqlIdentifier;
import io.outboxkit.core.TableName;
import io.outboxkit.core.internal.DatabaseFailures;
import io.outboxkit.core.internal.JdbcTransactions;
import io.outboxkit.core.internal.SqlResources;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.sql.DataSource;

/**
 * Installs the inbox table from the shipped, versioned script {@value #RESOURCE}.
 *
 * <p>The script is idempotent ({@code CREATE ... IF NOT EXISTS}): installing again, or from several
 * instances at once, is safe (installers of the same table wait for each other on an advisory lock). With
 * Flyway or Liquibase, use the resource as a migration as it is (default names) instead of this class. The
 * schema itself must exist. Custom names are validated identifiers put in place of the script's default
 * names; the retention index is called {@code <table>_received_at_idx}.
 *
 * <p>Immutable and thread-safe.
 */
public final class InboxSchema {

  /** The class path resource of the current schema version for PostgreSQL. */
  public static final String RESOURCE = "io/outboxkit/inbox/schema/v1/postgresql.sql";

  /** The schema version that {@link #RESOURCE} creates. */
  public static final int VERSION = 1;

  private static final Pattern TABLE_TOKEN = Pattern.compile("\\b" + TableName.DEFAULT_INBOX_TABLE + "\\b");
  private static final Pattern INDEX_TOKEN =
      Pattern.compile("\\b" + TableName.DEFAULT_INBOX_TABLE + "_received_at_idx\\b");

  private final TableName table;
  private final String sql;

  private InboxSchema(TableName table) {
    this.table = table;
    SqlIdentifier index = SqlIdentifier.of("inbox table (its retention index is named <table>_received_at_idx)",
        table.table().name() + "_received_at_idx");
    String script = INDEX_TOKEN.matcher(template()).replaceAll(Matcher.quoteReplacement(index.quoted()));
    this.sql = TABLE_TOKEN.matcher(script).replaceAll(Matcher.quoteReplacement(table.qualified()));
  }

  /**
   * A builder with the default table, {@code public.inbox_message}; as {@code OutboxSchema.builder()}, with
   * the same setter names.
   */
  public static Builder builder() {
    return new Builder();
  }

  /** Configures an {@link InboxSchema}. Each setter validates its value at once. Not thread-safe. */
  public static final class Builder {

    private SqlIdentifier schema = SqlIdentifier.of("InboxSchema schema", TableName.DEFAULT_SCHEMA);
    private SqlIdentifier table = SqlIdentifier.of("InboxSchema table", TableName.DEFAULT_INBOX_TABLE);

    private Builder() {
    }

    /** The inbox table's schema, which must exist. Default {@value TableName#DEFAULT_SCHEMA}. */
    public Builder schema(String schema) {
      this.schema = SqlIdentifier.of("InboxSchema schema", schema);
      return this;
    }

    /**
     * The inbox table. Default {@value TableName#DEFAULT_INBOX_TABLE}; give {@link Inbox.Builder#table} the
     * same name.
     */
    public Builder table(String table) {
      this.table = SqlIdentifier.of("InboxSchema table", table);
      return this;
    }

    /** The installer for this table. */
    public InboxSchema build() {
      return new InboxSchema(new TableName(schema, table));
    }
  }

  /** The table this installer creates. */
  public TableName table() {
    return table;
  }

  /** The script with this installer's names, as {@link #install} runs it. */
  public String sql() {
    return sql;
  }

  /**
   * Creates the table and its index if they do not exist, in one transaction.
   *
   * @throws ServerUnavailableException if the database cannot be reached
   * @throws OutboxException if the script fails, for example because the schema does not exist or the user
   *     may not create tables in it; the message names the table
   */
  public void install(DataSource dataSource) {
    Objects.requireNonNull(dataSource, "dataSource");
    Connection connection;
    try {
      connection = dataSource.getConnection();
    } catch (SQLException e) {
      throw new ServerUnavailableException("could not connect to install the inbox table " + table + ": "
          + e.getMessage(), e);
    }
    try (connection) {
      JdbcTransactions.run(connection, transaction -> {
        try (PreparedStatement lock = transaction.prepareStatement("SELECT pg_advisory_xact_lock(hashtext(?))")) {
          lock.setString(1, "outboxkit.inbox.schema:" + table.plain());
          lock.execute();
        }
        try (Statement statement = transaction.createStatement()) {
          statement.execute(sql);
        }
      });
    } catch (SQLException e) {
      if (DatabaseFailures.isUnavailable(e)) {
        throw new ServerUnavailableException("the database was unavailable while installing the inbox table "
            + table + ": " + e.getMessage(), e);
      }
      throw new OutboxException("installing the inbox table " + table + " failed: " + e.getMessage()
          + " (check that schema '" + table.schema().name() + "' exists and that the user may create tables in"
          + " it)", e);
    }
  }

  /** The shipped script with its default names. */
  static String template() {
    return SqlResources.read(InboxSchema.class, RESOURCE);
  }
}
