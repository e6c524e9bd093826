package io.outboxkit.test;

import org.testcontainers.DockerClientFactory;
import org.testcontainers.kafka.KafkaContainer;
import org.testcontainers.postgresql.PostgreSQLContainer;
import org.testcontainers.utility.DockerImageName;

/**
 * PostgreSQL and Kafka in containers. Containers get new ports when restarted, so these servers do not
 * support stop and restart; fault tests take the embedded servers ({@link OutboxTestInfrastructure#embedded()}).
 */
final class ContainerServers {

  static final String POSTGRES_IMAGE = "postgres:17-alpine";
  static final String KAFKA_IMAGE = "apache/kafka:4.1.2";

  private ContainerServers() {
  }

  static boolean dockerAvailable() {
    if (!dockerMayBeConfigured()) {
      return false; // spares Testcontainers' search and its error log where no engine can be
    }
    try {
      return DockerClientFactory.instance().isDockerAvailable();
    } catch (RuntimeException | LinkageError e) {
      return false;
    }
  }

  private static boolean dockerMayBeConfigured() {
    String home = System.getProperty("user.home", "");
    return System.getenv("DOCKER_HOST") != null
        || java.nio.file.Files.exists(java.nio.file.Path.of("/var/run/docker.sock"))
        || java.nio.file.Files.exists(java.nio.file.Path.of(home, ".docker", "run", "docker.sock"))
        || java.nio.file.Files.exists(java.nio.file.Path.of(home, ".testcontainers.properties"))
        || System.getProperty("os.name", "").toLowerCase(java.util.Locale.ROOT).contains("win");
  }

  static PostgresServer postgres() {
    PostgreSQLContainer container = new PostgreSQLContainer(DockerImageName.parse(POSTGRES_IMAGE))
        .withCommand("postgres", "-c", "wal_level=logical", "-c", "max_replication_slots=64",
            "-c", "max_wal_senders=64", "-c", "max_connections=400", "-c", "synchronous_commit=on");
    container.start();
    return new UnmanagedServers.Postgres(ContainerServers::notRestartable) {
      @Override
      public String host() {
        return container.getHost();
      }

      @Override
      public int port() {
        return container.getMappedPort(5432);
      }

      @Override
      public String username() {
        return container.getUsername();
      }

      @Override
      public String password() {
        return container.getPassword();
      }

      @Override
      public String jdbcUrl(String database) {
        return "jdbc:postgresql://" + host() + ":" + port() + "/" + database;
      }

      @Override
      public String adminDatabase() {
        return container.getDatabaseName();
      }

      @Override
      public String toString() {
        return "PostgreSQL container " + POSTGRES_IMAGE + " at " + host() + ":" + port();
      }
    };
  }

  static KafkaServer kafka() {
    KafkaContainer container = new KafkaContainer(DockerImageName.parse(KAFKA_IMAGE));
    container.start();
    return new UnmanagedServers.Kafka(ContainerServers::notRestartable) {
      @Override
      public String bootstrapServers() {
        return container.getBootstrapServers();
      }

      @Override
      public String toString() {
        return "Kafka container " + KAFKA_IMAGE + " at " + bootstrapServers();
      }
    };
  }

  private static UnsupportedOperationException notRestartable(String what) {
    return new UnsupportedOperationException("the " + what + " container of the Testcontainers provider cannot be "
        + "restarted on the same port: a test that stops or restarts servers declares "
        + "@OutboxIntegrationTest(embedded = true) or takes them from OutboxTestInfrastructure.embedded()");
  }
}
