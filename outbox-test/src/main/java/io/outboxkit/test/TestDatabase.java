package io.outboxkit.test;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
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

  /** Opens a connection to the server's administration database. */
  @FunctionalInterface
  interface AdminConnections {
    Connection open() throws SQLException;
  }

  private final PostgresServer server;
  private final AdminConnections admin;
  private final String name;
  private final PGSimpleDataSource dataSource;

  TestDatabase(PostgresServer server, AdminConnections admin, String name) {
    this.server = server;
    this.admin = admin;
    this.name = name;
    this.dataSource = new PGSimpleDataSource();
    dataSource.setURL(jdbcUrl());
    dataSource.setUser(username());
    dataSource.setPassword(password());
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

  /**
   * Drops the database: ends its sessions, drops its replication slots, then the database. A failure is
   * logged, not thrown, so that a test's own failure is the one reported.
   */
  @Override
  public void close() {
    try (Connection connection = admin.open()) {
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
