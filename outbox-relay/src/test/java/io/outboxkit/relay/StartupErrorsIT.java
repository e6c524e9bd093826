package io.outboxkit.relay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.outboxkit.core.OutboxConfigurationException;
import io.outboxkit.core.ServerUnavailableException;
import io.outboxkit.test.OutboxIntegrationTest;
import io.outboxkit.test.TestDatabase;
import io.outboxkit.test.TestKafka;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.sql.Connection;
import java.sql.Statement;
import org.junit.jupiter.api.Test;

/**
 * Each failure a user can cause at start ends in a message that names the value and the database object
 * involved and the builder setting or statement that fixes it, and status FAILED.
 */
@OutboxIntegrationTest
class StartupErrorsIT {

  @Test
  void unknownUserOrWrongPasswordIsReportedAsAuthenticationFailure(TestDatabase db, TestKafka kafka) {
    RelayFixture.installSchema(db);
    String user = "no_such_user_" + Integer.toHexString(db.name().hashCode());
    OutboxRelay relay = RelayFixture.relay(db, kafka, "unused.").username(user).password("wrong").build();
    assertFailsAtStart(relay, "authentication failed", "as user '" + user + "'", "database " + db.name(),
        db.host() + ":" + db.port(), "check the relay's username and password (username(..), password(..))");
  }

  @Test
  void userWithoutReplicationPrivilegeIsToldWhatToGrant(TestDatabase db, TestKafka kafka) throws Exception {
    RelayFixture.installSchema(db);
    String role = "norepl_" + Integer.toHexString(db.name().hashCode());
    try (Connection connection = db.openConnection(); Statement statement = connection.createStatement()) {
      statement.execute("DROP ROLE IF EXISTS " + role);
      statement.execute("CREATE ROLE " + role + " LOGIN PASSWORD 'pw'");
      statement.execute("GRANT SELECT ON outbox_event TO " + role);
    }
    try {
      OutboxRelay relay = RelayFixture.relay(db, kafka, "unused.").username(role).password("pw").build();
      assertFailsAtStart(relay, "database user '" + role + "' may not use logical replication",
          "database " + db.name(), "ALTER ROLE \"" + role + "\" REPLICATION", "username(..)");
    } finally {
      try (Connection connection = db.openConnection(); Statement statement = connection.createStatement()) {
        statement.execute("REVOKE ALL ON outbox_event FROM " + role);
        statement.execute("DROP ROLE " + role);
      }
    }
  }

  @Test
  void missingOutboxTableIsNamed(TestDatabase db, TestKafka kafka) {
    OutboxRelay relay = RelayFixture.relay(db, kafka, "unused.").build();
    assertFailsAtStart(relay, "outbox table public.outbox_event does not exist in database " + db.name(),
        "install the outbox schema", "schema(..) and table(..)");
  }

  @Test
  void outboxTableWithoutTheRequiredColumnsIsNamed(TestDatabase db, TestKafka kafka) throws Exception {
    try (Connection connection = db.openConnection(); Statement statement = connection.createStatement()) {
      statement.execute("CREATE TABLE events (id uuid PRIMARY KEY, payload jsonb)");
    }
    OutboxRelay relay = RelayFixture.relay(db, kafka, "unused.").schema("public").table("events").build();
    assertFailsAtStart(relay, "lacks the column(s) [aggregatetype, aggregateid, type]", "outbox table public.events",
        "database " + db.name(), "outbox-writer's schema", "schema(..) and table(..)");
  }

  @Test
  void walLevelOtherThanLogicalIsReportedWithTheFix(TestKafka kafka) throws Exception {
    try (EmbeddedPostgres replicaLevel = EmbeddedPostgres.builder().setServerConfig("wal_level", "replica").start()) {
      OutboxRelay relay = OutboxRelay.builder()
          .database("localhost", replicaLevel.getPort(), "postgres")
          .username("postgres").password("postgres")
          .bootstrapServers(kafka.bootstrapServers())
          .build();
      assertFailsAtStart(relay, "wal_level=replica", "localhost:" + replicaLevel.getPort(), "database postgres",
          "set wal_level = logical", "jdbcUrl(..)");
    }
  }

  @Test
  void missingDatabaseIsNamed(TestDatabase db, TestKafka kafka) {
    String missing = db.name() + "_missing";
    OutboxRelay relay = RelayFixture.relay(db, kafka, "unused.").database(db.host(), db.port(), missing).build();
    assertFailsAtStart(relay, "database " + missing + " does not exist at " + db.host() + ":" + db.port(),
        "database(host, port, name)");
  }

  @Test
  void relaySchemaThatCannotHoldTheRelayTablesIsNamed(TestDatabase db, TestKafka kafka) {
    RelayFixture.installSchema(db);
    OutboxRelay relay = RelayFixture.relay(db, kafka, "unused.").relaySchema("no_such_schema").build();
    assertFailsAtStart(relay, "schema no_such_schema for the relay tables no_such_schema.outboxkit_relay_offset",
        "does not exist in database " + db.name(), "CREATE SCHEMA no_such_schema", "relaySchema(..)");
  }

  @Test
  void unreachableDatabaseIsReportedWithWhereTheRelayLooked(TestKafka kafka) {
    OutboxRelay relay = OutboxRelay.builder().database("127.0.0.1", 1, "orders").username("relay")
        .bootstrapServers(kafka.bootstrapServers()).build();
    try (relay) {
      assertThatThrownBy(relay::start).isInstanceOf(ServerUnavailableException.class)
          .satisfies(e -> {
            assertThat(e.getMessage()).contains("cannot reach PostgreSQL", "database orders at 127.0.0.1:1",
                "as user 'relay'", "jdbcUrl(..) or database(host, port, name)");
            System.out.println("startup error reported: " + e.getMessage());
          });
      assertThat(relay.status().state()).isEqualTo(RelayState.FAILED);
    }
  }

  private static void assertFailsAtStart(OutboxRelay relay, String... messageParts) {
    try (relay) {
      assertThatThrownBy(relay::start).isInstanceOf(OutboxConfigurationException.class)
          .satisfies(e -> {
            for (String part : messageParts) {
              assertThat(e.getMessage()).contains(part);
            }
            System.out.println("startup error reported: " + e.getMessage());
          });
      assertThat(relay.status().state()).isEqualTo(RelayState.FAILED);
      assertThat(relay.status().reason()).contains(messageParts[0]);
    }
  }
}
