package io.outboxkit.test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One PostgreSQL and one Kafka broker for all tests of a JVM, started on first use and stopped when the
 * JVM exits. The {@link Provider} is chosen as that type describes and named in the log. Tests that stop, kill or
 * restart the servers take {@link #embedded()} instead, which is the same infrastructure when the provider is
 * embedded.
 *
 * <p>Plain Java use, for example in a {@code main} method or another test framework:
 *
 * <pre>{@code
 * OutboxTestInfrastructure infrastructure = OutboxTestInfrastructure.shared();
 * try (TestDatabase db = infrastructure.newDatabase("orders")) {
 *   String topic = infrastructure.kafka("orders").newTopic("orders");
 *   ...
 * }
 * }</pre>
 *
 * <p>Thread-safe.
 */
public final class OutboxTestInfrastructure {

  private static final Logger log = LoggerFactory.getLogger(OutboxTestInfrastructure.class);
  private static final String RUN_ID =
      Integer.toString(ThreadLocalRandom.current().nextInt(36 * 36 * 36, 36 * 36 * 36 * 36), 36);
  private static final AtomicInteger SEQUENCE = new AtomicInteger();
  private static ProviderSelection.@Nullable Decision sharedDecision;
  private static @Nullable OutboxTestInfrastructure shared;
  private static @Nullable OutboxTestInfrastructure embedded;

  private final Provider provider;
  private final PostgresServer postgres;
  private final KafkaServer kafka;
  private final Runnable awaitKafka;
  private boolean kafkaReady;

  private OutboxTestInfrastructure(Provider provider, PostgresServer postgres, KafkaServer kafka,
      Runnable awaitKafka) {
    this.provider = provider;
    this.postgres = postgres;
    this.kafka = kafka;
    this.awaitKafka = awaitKafka;
  }

  /**
   * The infrastructure of this JVM, started on the first call (which may take several seconds).
   *
   * @throws TestInfrastructureException if the chosen provider cannot start; the message says why
   */
  public static synchronized OutboxTestInfrastructure shared() {
    if (shared == null) {
      shared = start(sharedDecision());
    }
    return shared;
  }

  /**
   * The embedded servers, for tests that stop, kill or restart PostgreSQL or the broker, or that use the broker's
   * SASL listener: {@link #shared()} when its provider is {@link Provider#EMBEDDED}; otherwise a second, embedded
   * PostgreSQL and Kafka broker for this JVM, started on the first call, while the other tests keep the servers of
   * the provider chosen for them. {@code @OutboxIntegrationTest(embedded = true)} gives a test class these.
   *
   * @throws TestInfrastructureException if the embedded servers cannot start; the message says why
   */
  public static synchronized OutboxTestInfrastructure embedded() {
    ProviderSelection.Decision forEmbedded = ProviderSelection.forEmbeddedServers(sharedDecision());
    if (forEmbedded.equals(sharedDecision())) {
      return shared(); // the shared servers are the embedded ones
    }
    if (embedded == null) {
      embedded = start(forEmbedded);
    }
    return embedded;
  }

  /** The provider of {@link #shared()}, chosen once per JVM. */
  private static synchronized ProviderSelection.Decision sharedDecision() {
    if (sharedDecision == null) {
      sharedDecision = ProviderSelection.select(System::getenv, System::getProperty, ContainerServers::dockerAvailable);
    }
    return sharedDecision;
  }

  private static OutboxTestInfrastructure start(ProviderSelection.Decision decision) {
    long started = System.nanoTime();
    log.info("OutboxKit test infrastructure: provider {} ({})", decision.provider().name().toLowerCase(Locale.ROOT),
        decision.reason());
    OutboxTestInfrastructure infrastructure = switch (decision.provider()) {
      case EXTERNAL -> new OutboxTestInfrastructure(Provider.EXTERNAL,
          ExternalServers.postgres(System::getenv), ExternalServers.kafka(System::getenv), () -> { });
      case TESTCONTAINERS -> new OutboxTestInfrastructure(Provider.TESTCONTAINERS,
          ContainerServers.postgres(), ContainerServers.kafka(), () -> { });
      case EMBEDDED -> startEmbedded();
    };
    infrastructure.checkPostgres();
    log.info("OutboxKit test infrastructure: {} ready in {} ms; {}", infrastructure.postgres,
        (System.nanoTime() - started) / 1_000_000, infrastructure.kafka);
    return infrastructure;
  }

  private static OutboxTestInfrastructure startEmbedded() {
    Path root;
    try {
      root = Files.createTempDirectory("outboxkit-test-");
    } catch (IOException e) {
      throw new UncheckedIOException("no temporary directory for the embedded servers", e);
    }
    KafkaBrokerProcess kafka = new KafkaBrokerProcess(root.resolve("kafka"), freePort(), freePort(), freePort());
    EmbeddedPostgresServer postgres = new EmbeddedPostgresServer(root.resolve("postgres"), freePort());
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      kafka.kill();
      postgres.stop();
      deleteQuietly(root);
    }, "outboxkit-test-shutdown"));
    kafka.launch(); // the broker JVM starts while PostgreSQL does; tests that use no Kafka never wait for it
    postgres.start();
    return new OutboxTestInfrastructure(Provider.EMBEDDED, postgres, kafka, kafka::awaitReady);
  }

  private void checkPostgres() {
    try (Connection connection = adminConnection(); Statement statement = connection.createStatement();
         ResultSet rs = statement.executeQuery("SHOW wal_level")) {
      rs.next();
      String walLevel = rs.getString(1);
      if (!"logical".equals(walLevel)) {
        throw new TestInfrastructureException(postgres + " runs with wal_level=" + walLevel
            + ": OutboxKit's relay needs wal_level=logical (set it in postgresql.conf and restart the server)");
      }
    } catch (SQLException e) {
      throw new TestInfrastructureException("cannot connect to " + postgres + " as " + postgres.username() + ": "
          + e.getMessage(), e);
    }
  }

  /** The provider in use. */
  public Provider provider() {
    return provider;
  }

  /** The PostgreSQL server, for tests that stop and restart it. */
  public PostgresServer postgres() {
    return postgres;
  }

  /** The Kafka broker, for tests that stop, kill and restart it; waits until it serves the first time. */
  public KafkaServer kafka() {
    synchronized (this) {
      if (!kafkaReady) {
        awaitKafka.run();
        kafkaReady = true;
      }
    }
    return kafka;
  }

  /**
   * Creates a new, empty database; closing it drops it together with its replication slots.
   *
   * @param hint a few letters that make the name recognizable in logs (for example the test's name)
   */
  public TestDatabase newDatabase(String hint) {
    return TestDatabase.create(postgres, uniqueName(hint, '_', 40));
  }

  /**
   * Kafka support for one test: unique topic and group names, clients' properties, reading records back.
   *
   * @param hint a few letters that make topic names recognizable (for example the test's name)
   */
  public TestKafka kafka(String hint) {
    return new TestKafka(kafka(), uniqueName(hint, '-', 60));
  }

  Connection adminConnection() throws SQLException {
    return postgres.openAdminConnection();
  }

  /**
   * {@code t<separator><hint cleaned><separator><run id><separator><n>}, at most {@code maxLength} characters:
   * unique within this JVM, and across JVMs sharing a server by the random run id.
   */
  static String uniqueName(String hint, char separator, int maxLength) {
    StringBuilder cleaned = new StringBuilder();
    for (char c : hint.toLowerCase(Locale.ROOT).toCharArray()) {
      if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {
        cleaned.append(c);
      } else if (cleaned.length() > 0 && cleaned.charAt(cleaned.length() - 1) != separator) {
        cleaned.append(separator);
      }
    }
    String suffix = separator + RUN_ID + separator + SEQUENCE.incrementAndGet();
    String prefix = "t" + separator + cleaned;
    if (prefix.length() + suffix.length() > maxLength) {
      prefix = prefix.substring(0, maxLength - suffix.length());
    }
    return prefix + suffix;
  }

  static int freePort() {
    try (ServerSocket socket = new ServerSocket(0)) {
      socket.setReuseAddress(true);
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException("no free port", e);
    }
  }

  static void deleteQuietly(Path root) {
    try (var paths = Files.walk(root)) {
      paths.sorted(java.util.Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
    } catch (IOException | UncheckedIOException ignored) {
      // temporary files; the operating system cleans them eventually
    }
  }
}
