package io.outboxkit.relay;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.SQLException;
import org.junit.jupiter.api.Test;

class EngineFailuresTest {

  private final RelaySettings settings = RelaySettings.from(OutboxRelay.builder()
      .database("db.example", 5432, "orders").username("relay").bootstrapServers("k:9092").replicationSlot("orders_slot"));

  @Test
  void postgresqlFailuresAreToldApartByTheirSqlStateWhereverTheyAreInTheCauseChain() {
    assertThat(explain("55006", "replication slot \"orders_slot\" is active for PID 42"))
        .startsWith("replication slot orders_slot in database orders at db.example:5432 is in use by another process")
        .contains("replicationSlot(..)");
    assertThat(explain("28P01", "password authentication failed for user \"relay\""))
        .startsWith("authentication failed for database user 'relay'").contains("password(..)");
    assertThat(explain("42501", "must be superuser or replication role to start walsender"))
        .contains("ALTER ROLE \"relay\" REPLICATION");
  }

  @Test
  void aMessageThatOnlyLooksLikeOneOfThemIsNotMistakenForIt() {
    RuntimeException error = new RuntimeException("connector failed",
        new SQLException("something else mentions: is active for PID", "XX000"));
    assertThat(EngineFailures.explain(settings, "Connector failed", error))
        .isEqualTo("Connector failed: SQLException: something else mentions: is active for PID");
  }

  @Test
  void debeziumsOwnFailuresHaveNoCodeAndAreReportedAsDebeziumWordsThem() {
    RuntimeException error = new RuntimeException("Publication autocreation is disabled, please create one and "
        + "restart the connector.");
    assertThat(EngineFailures.explain(settings, "Connector failed", error)).isEqualTo("Connector failed: "
        + "RuntimeException: Publication autocreation is disabled, please create one and restart the connector.");
    assertThat(EngineFailures.explain(settings, null, null)).isEqualTo("the Debezium engine stopped");
  }

  private String explain(String sqlState, String message) {
    RuntimeException error = new RuntimeException("Error starting the stream",
        new IllegalStateException("wrapped", new SQLException(message, sqlState)));
    return EngineFailures.explain(settings, "Connector failed", error);
  }

  @Test
  void anIntegrationThatConfiguredTheRelayFromItsOwnSettingsSeesThoseNamedInTheReasons() {
    RelaySettings fromProperties = RelaySettings.from(OutboxRelay.builder()
        .database("db.example", 5432, "orders").username("relay").bootstrapServers("k:9092")
        .replicationSlot("orders_slot").topicPrefix("shop.").deadLetterTopic("shop.dlq")
        .messages(text -> text.replace("password(..)", "app.relay.password")
            .replace("username(..)", "app.relay.username").replace("deadLetterTopic(..)", "app.relay.dlq")
            .replace("topicPrefix(..)", "app.relay.prefix")));

    SQLException refused = new SQLException("password authentication failed for user \"relay\"", "28P01");
    assertThat(EngineFailures.explain(fromProperties, "Connector failed", new RuntimeException("wrapped", refused)))
        .contains("check app.relay.username and app.relay.password").doesNotContain("(..)");
    assertThat(fromProperties.say("set deadLetterTopic(..) or topicPrefix(..)"))
        .isEqualTo("set app.relay.dlq or app.relay.prefix");
    assertThat(settings.say("set deadLetterTopic(..)")).as("by default unchanged").isEqualTo("set deadLetterTopic(..)");
  }
}
