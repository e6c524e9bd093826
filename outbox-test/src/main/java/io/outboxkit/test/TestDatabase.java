package io.outboxkit.test;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;
import org.postgresql.ds.PGSimpleDataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A database of its own for one test (or one test class), on the shared test PostgreSQL (or on an
 * {@link OtherPostgres}). Closing it drops the database and the replication slots that were made in it.
 *
 * <p>Thread-safe.
 */
public final class TestDatabase implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(TestDatabase.class);

  private final PostgresServer server;
  private final String name;
  private final PGSimpleDataSource dataSource;

  private TestDatabase(PostgresServer server, String name) {
    this.server = server;
    this.name = name;
    this.dataSource = new PGSimpleDataSource();
    dataSource.setURL(jdbcUrl());
    dataSource.setUser(username());
    dataSource.setPassword(password());
  }

  /** Creates the database {@code name} on {@code server} (its user needs the CREATEDB privilege). */
  static TestDatabase create(PostgresServer server, String name) {
    try (Connection connection = server.openAdminConnection(); Statement statement = connection.createStatement()) {
      statement.execute("CREATE DATABASE \"" + name + "\"");
    } catch (SQLException e) {
      throw new TestInfrastructureException("cannot create the test database " + name + " on " + server
          + ": " + e.getMessage() + " (the user needs the CREATEDB privilege)", e);
    }
    return new TestDatabase(server, name);
  }

  /** The database's name: lower case letters, digits and underscores. */
  public String name() {
    return name;
  }

  public String host() {
    return server.host();
  }

  public int port() {
    return server.port();
  }

  public String jdbcUrl() {
    return server.jdbcUrl(name);
  }

  public String username() {
    return server.username();
  }

  public String password() {
    return server.password();
  }

  /** A data source without pooling: each {@code getConnection()} opens a new connection. */
  public DataSource dataSource() {
    return dataSource;
  }

  /** A new connection in auto-commit mode; the caller closes it. */
  public Connection openConnection() throws SQLException {
    return dataSource.getConnection();
  }

  /** The server's version as {@code server_version_num}, for example 170011 for 17.11. */
  public int serverVersion() throws SQLException {
    return Integer.parseInt(queryColumn("SELECT current_setting('server_version_num')").get(0));
  }

  /** Runs one SQL statement on a new connection in auto-commit mode. */
  public void execute(String sql) throws SQLException {
    try (Connection connection = openConnection(); Statement statement = connection.createStatement()) {
      statement.execute(sql);
    }
  }

  /** Runs a query on a new connection and returns the first column of every row as text, in order. */
  public List<String> queryColumn(String sql) throws SQLException {
    try (Connection connection = openConnection(); Statement statement = connection.createStatement();
         ResultSet rows = statement.executeQuery(sql)) {
      List<String> values = new ArrayList<>();
      while (rows.next()) {
        values.add(rows.getString(1));
      }
      return values;
    }
  }

  /**
   * Drops the database: ends its sessions, drops its replication slots, then the database. A failure is
   * logged, not thrown, so that a test's own failure is the one reported.
   */
  @Override
  public void close() {
    try (Connection connection = server.openAdminConnection()) {
      long deadline = System.nanoTime() + 30_000_000_000L;
      SQLException last = null;
      while (System.nanoTime() < deadline) {
        try {
          terminateSessions(connection);
          dropSlots(connection);
          try (Statement statement = connection.createStatement()) {
            statement.execute("DROP DATABASE IF EXISTS \"" + name + "\" WITH (FORCE)");
          }
          return;
        } catch (SQLException e) {
          last = e; // a walsender may still be going away; try again
          Thread.sleep(200);
        }
      }
      log.warn("test database {} could not be dropped: {}", name, last == null ? "timeout" : last.getMessage());
    } catch (SQLException e) {
      log.warn("test database {} could not be dropped: {}", name, e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void terminateSessions(Connection admin) throws SQLException {
    try (PreparedStatement statement = admin.prepareStatement(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = ? AND pid <> pg_backend_pid()")) {
      statement.setString(1, name);
      statement.execute();
    }
  }

  private void dropSlots(Connection admin) throws SQLException {
    try (PreparedStatement statement = admin.prepareStatement(
        "SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE database = ?")) {
      statement.setString(1, name);
      statement.execute();
    }
  }

  @Override
  public String toString() {
    return "test database " + name + " (" + jdbcUrl() + ")";
  }
}
