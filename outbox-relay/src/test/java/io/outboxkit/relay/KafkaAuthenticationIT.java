package io.outboxkit.relay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.outboxkit.test.KafkaServer;
import io.outboxkit.test.OutboxIntegrationTest;
import io.outboxkit.test.TestDatabase;
import io.outboxkit.test.TestKafka;
import io.outboxkit.core.WriteMode;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A broker that authenticates its clients (SASL PLAIN): the relay reaches it with the security settings
 * passed as producer properties, and with a wrong password it retries, says why in its status and loses
 * nothing, so that a relay started with the right password delivers every event written meanwhile.
 */
@OutboxIntegrationTest(embedded = true) // the embedded broker has a SASL PLAIN listener
class KafkaAuthenticationIT {

  @Test
  void theRelayPublishesThroughAnAuthenticatingListener(TestDatabase db, TestKafka kafka) throws Exception {
    KafkaServer.SaslListener sasl = sasl(kafka);
    String prefix = outboxAndTopic(db, kafka, "sasl");
    EventLoad load = new EventLoad(200, 20, 10, "order");

    try (OutboxRelay relay = authenticated(RelayFixture.relay(db, kafka, prefix), sasl, sasl.jaasConfig()).build()) {
      relay.start();
      RelayFixture.awaitActive(relay);
      load.write(db, RelayFixture.writer(db, WriteMode.TABLE));
      EventLoad.Outcome outcome = load.check(
          RelayFixture.readUntil(kafka, List.of(prefix + "order"), load::allArrived, RelayFixture.TIMEOUT));
      assertThat(outcome.missing()).isZero();
      assertThat(outcome.orderViolations()).isZero();
    }
  }

  @Test
  void aWrongPasswordIsRetriedAndReportedAndLosesNothing(TestDatabase db, TestKafka kafka) throws Exception {
    KafkaServer.SaslListener sasl = sasl(kafka);
    String prefix = outboxAndTopic(db, kafka, "sasl-wrong");
    EventLoad load = new EventLoad(200, 20, 10, "order");

    try (OutboxRelay relay =
             authenticated(RelayFixture.relay(db, kafka, prefix), sasl, sasl.jaasConfig("not-the-password")).build()) {
      relay.start();
      load.write(db, RelayFixture.writer(db, WriteMode.TABLE));
      await("the relay reports the authentication failure as STALLED").atMost(RelayFixture.TIMEOUT)
          .until(() -> relay.status().state() == RelayState.STALLED
              && String.valueOf(relay.status().reason()).contains("Authentication failed"));
      assertThat(relay.status().healthy()).isFalse();
      assertThat(relay.status().reason()).contains("SaslAuthenticationException")
          .contains("check the producer properties security.protocol, sasl.mechanism and sasl.jaas.config");
    }

    try (OutboxRelay relay = authenticated(RelayFixture.relay(db, kafka, prefix), sasl, sasl.jaasConfig()).build()) {
      relay.start();
      EventLoad.Outcome outcome = load.check(
          RelayFixture.readUntil(kafka, List.of(prefix + "order"), load::allArrived, RelayFixture.TIMEOUT));
      assertThat(outcome.missing()).isZero();
      assertThat(outcome.orderViolations()).isZero();
    }
  }

  /** Installs the outbox and creates the topic {@code <prefix>order}; returns the prefix. */
  private static String outboxAndTopic(TestDatabase db, TestKafka kafka, String hint) {
    RelayFixture.installSchema(db);
    String prefix = kafka.newTopic(hint) + ".";
    kafka.createTopic(prefix + "order", 2);
    return prefix;
  }

  private static KafkaServer.SaslListener sasl(TestKafka kafka) {
    KafkaServer.SaslListener sasl = kafka.sasl();
    assertThat(sasl).as("a broker listener with SASL PLAIN (the embedded broker has one)").isNotNull();
    return sasl;
  }

  private static OutboxRelay.Builder authenticated(OutboxRelay.Builder builder, KafkaServer.SaslListener sasl,
      String jaasConfig) {
    return builder.bootstrapServers(sasl.bootstrapServers())
        .producerProperty("security.protocol", "SASL_PLAINTEXT")
        .producerProperty("sasl.mechanism", "PLAIN")
        .producerProperty("sasl.jaas.config", jaasConfig);
  }
}
