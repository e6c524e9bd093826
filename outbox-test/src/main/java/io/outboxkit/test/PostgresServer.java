package io.outboxkit.test;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;

/**
 * The test PostgreSQL server: {@code wal_level=logical}, enough replication slots and WAL senders for
 * several relays. Tests normally use a {@link TestDatabase} instead; this type is for tests that stop and
 * restart the server.
 */
public interface PostgresServer {

  /** Host name to connect to. */
  String host();

  /** Port to connect to; the same after a restart. */
  int port();

  /** A user with the CREATEDB and REPLICATION privileges. */
  String username();

  /** That user's password (may be empty where the server trusts local connections). */
  String password();

  /** The JDBC URL of {@code database} on this server. */
  String jdbcUrl(String database);

  /** The database used to create and drop test databases. */
  String adminDatabase();

  /** A new connection to {@link #adminDatabase()} as {@link #username()}; the caller closes it. */
  default Connection openAdminConnection() throws SQLException {
    return DriverManager.getConnection(jdbcUrl(adminDatabase()), username(), password());
  }

  /** Whether {@link #stop()}, {@link #start()} and {@link #restart()} are supported by this provider. */
  boolean canRestart();

  /**
   * Stops the server with a fast shutdown (open sessions are terminated, committed data is kept).
   *
   * @throws UnsupportedOperationException if {@link #canRestart()} is false; the message says why
   */
  void stop();

  /** Starts the stopped server again on the same port with the same data. */
  void start();

  /** {@link #stop()} then {@link #start()}. */
  default void restart() {
    stop();
    start();
  }
}
