package io.outboxkit.relay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.outboxkit.core.OutboxConfigurationException;
import io.outboxkit.test.OutboxIntegrationTest;
import io.outboxkit.test.TestDatabase;
import io.outboxkit.test.TestKafka;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.sql.Connection;
import java.sql.Statement;
import org.junit.jupiter.api.Test;

/** Each failure a user can cause at start ends in a message saying what to change, and status FAILED. */
@OutboxIntegrationTest
class StartupErrorsIT {

  @Test
  void unknownUserOrWrongPasswordIsReportedAsAuthenticationFailure(TestDatabase db, TestKafka kafka) {
    RelayFixture.installSchema(db);
    OutboxRelay relay = RelayFixture.relay(db, kafka, "unused.").username("no_such_user_" + db.name().hashCode())
        .password("wrong").build();
    assertFailsAtStart(relay, "authentication failed", "check the relay's username and password");
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
      assertFailsAtStart(relay, "may not use logical replication", "REPLICATION");
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
    assertFailsAtStart(relay, "outbox table public.outbox_event does not exist", "install the outbox schema");
  }

  @Test
  void outboxTableWithoutTheRequiredColumnsIsNamed(TestDatabase db, TestKafka kafka) throws Exception {
    try (Connection connection = db.openConnection(); Statement statement = connection.createStatement()) {
      statement.execute("CREATE TABLE events (id uuid PRIMARY KEY, payload jsonb)");
    }
    OutboxRelay relay = RelayFixture.relay(db, kafka, "unused.").outboxTable("public", "events").build();
    assertFailsAtStart(relay, "lacks the column(s) [aggregatetype, aggregateid, type]", "outbox-writer's schema");
  }

  @Test
  void walLevelOtherThanLogicalIsReportedWithTheFix(TestKafka kafka) throws Exception {
    try (EmbeddedPostgres replicaLevel = EmbeddedPostgres.builder().setServerConfig("wal_level", "replica").start()) {
      OutboxRelay relay = OutboxRelay.builder()
          .database("localhost", replicaLevel.getPort(), "postgres")
          .username("postgres").password("postgres")
          .bootstrapServers(kafka.bootstrapServers())
          .build();
      assertFailsAtStart(relay, "wal_level=replica", "set wal_level = logical");
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
