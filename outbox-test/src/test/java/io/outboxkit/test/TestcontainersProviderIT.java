package io.outboxkit.test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import org.junit.jupiter.api.Test;

/**
 * Starts the Testcontainers provider's servers directly. Runs where a Docker engine is reachable and is
 * skipped, with that reason, where it is not.
 */
class TestcontainersProviderIT {

  @Test
  void containersGiveLogicalWalPostgresAndAKafkaBroker() throws Exception {
    assumeTrue(ContainerServers.dockerAvailable(),
        "no Docker engine is reachable here, so the Testcontainers provider cannot run; the embedded provider is used");
    PostgresServer postgres = ContainerServers.postgres();
    KafkaServer kafka = ContainerServers.kafka();
    try (Connection connection = DriverManager.getConnection(postgres.jdbcUrl(postgres.adminDatabase()),
        postgres.username(), postgres.password());
         Statement statement = connection.createStatement();
         ResultSet rs = statement.executeQuery("SHOW wal_level")) {
      rs.next();
      assertThat(rs.getString(1)).isEqualTo("logical");
    }
    assertThat(kafka.bootstrapServers()).isNotBlank();
    assertThat(postgres.canRestart()).isFalse();
  }
}
