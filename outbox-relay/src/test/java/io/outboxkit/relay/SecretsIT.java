package io.outboxkit.relay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.core.read.ListAppender;
import io.outboxkit.core.OutboxException;
import io.outboxkit.test.KafkaServer;
import io.outboxkit.test.OutboxIntegrationTest;
import io.outboxkit.test.TestDatabase;
import io.outboxkit.test.TestKafka;
import io.outboxkit.core.WriteMode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * A password given through each entry point (the builder's {@code password(..)}, a secret JDBC URL parameter,
 * {@code sasl.jaas.config} among the producer properties) appears in no log line (ours, Debezium's and the
 * Kafka clients', at INFO and below), no exception message, no status reason and not in the settings'
 * {@code toString}: while the relay streams, while it cannot authenticate to the broker, and when it cannot
 * start.
 */
@OutboxIntegrationTest(embedded = true) // the embedded broker has a SASL PLAIN listener
class SecretsIT {

  /** Loggers raised to a level that shows the configuration dumps of Debezium and the Kafka clients. */
  private static final Map<String, Level> VERBOSE = Map.of(
      "io.outboxkit", Level.DEBUG,
      "io.debezium", Level.INFO,
      "org.apache.kafka.clients", Level.INFO,
      "org.apache.kafka.common", Level.INFO,
      "org.apache.kafka.connect", Level.INFO);

  private final String databasePassword = "DbPassword-" + UUID.randomUUID();
  private final String urlSecret = "UrlSecret-" + UUID.randomUUID();
  private final String jaasSecret = "JaasSecret-" + UUID.randomUUID();

  private final ListAppender<ILoggingEvent> log = new ListAppender<>();
  private final Map<String, Level> levelsBefore = new LinkedHashMap<>();

  @BeforeEach
  void captureTheLog() {
    LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
    VERBOSE.forEach((name, level) -> {
      Logger logger = context.getLogger(name);
      levelsBefore.put(name, logger.getLevel());
      logger.setLevel(level);
    });
    log.setContext(context);
    log.start();
    context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).addAppender(log);
  }

  @AfterEach
  void releaseTheLog() {
    LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
    context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).detachAppender(log);
    log.stop();
    levelsBefore.forEach((name, level) -> context.getLogger(name).setLevel(level));
  }

  @Test
  void aStreamingRelayShowsNoSecret(TestDatabase db, TestKafka kafka) throws Exception {
    RelayFixture.installSchema(db);
    String prefix = kafka.newTopic("secrets") + ".";
    kafka.createTopic(prefix + "order", 1);
    EventLoad load = new EventLoad(20, 5, 4, "order");

    OutboxRelay.Builder builder = withSecrets(db, kafka, prefix);
    try (OutboxRelay relay = builder.build()) {
      relay.start();
      RelayFixture.awaitActive(relay);
      load.write(db, RelayFixture.writer(db, WriteMode.TABLE));
      EventLoad.Outcome outcome = load.check(
          RelayFixture.readUntil(kafka, List.of(prefix + "order"), load::allArrived, RelayFixture.TIMEOUT));
      assertThat(outcome.missing()).as("the secrets were really used: events arrived").isZero();
      assertNoSecretIn("status", String.valueOf(relay.status()));
    }
    assertThat(log.list).as("log lines captured").isNotEmpty();
    assertNoSecretInTheLog();
    assertNoSecretIn("settings", RelaySettings.from(builder).toString());
  }

  @Test
  void aRelayTheBrokerRefusesShowsNoSecret(TestDatabase db, TestKafka kafka) {
    KafkaServer.SaslListener sasl = kafka.sasl();
    assertThat(sasl).as("a broker listener with SASL PLAIN (the embedded broker has one)").isNotNull();
    RelayFixture.installSchema(db);
    String prefix = kafka.newTopic("secrets-refused") + ".";

    // the JAAS password itself is wrong here, and distinctive
    OutboxRelay.Builder builder = withSecrets(db, kafka, prefix)
        .producerProperty("sasl.jaas.config", sasl.jaasConfig(jaasSecret));
    try (OutboxRelay relay = builder.build()) {
      relay.start();
      await("the relay reports the refused authentication").atMost(RelayFixture.TIMEOUT)
          .until(() -> String.valueOf(relay.status().reason()).contains("Authentication failed"));
      assertNoSecretIn("status", String.valueOf(relay.status()));
    }
    assertNoSecretInTheLog();
  }

  @Test
  void aRelayThatCannotStartShowsNoSecret(TestDatabase db, TestKafka kafka) {
    String missing = db.name() + "_missing";
    OutboxRelay.Builder builder = withSecrets(db, kafka, "unused.")
        .jdbcUrl("jdbc:postgresql://" + db.host() + ":" + db.port() + "/" + missing + "?sslpassword=" + urlSecret);
    try (OutboxRelay relay = builder.build()) {
      assertThatThrownBy(relay::start).isInstanceOf(OutboxException.class)
          .hasMessageContaining("database " + missing + " does not exist")
          .satisfies(e -> {
            for (Throwable t = e; t != null; t = t.getCause()) {
              assertNoSecretIn("exception message", String.valueOf(t.getMessage()));
              assertNoSecretIn("exception", t.toString());
            }
          });
      assertThat(relay.status().state()).isEqualTo(RelayState.FAILED);
      assertNoSecretIn("status", String.valueOf(relay.status()));
    }
    assertNoSecretInTheLog();
  }

  /**
   * The test's relay with the three secrets: the database password by {@code password(..)}, {@code
   * sslpassword} in the JDBC URL (harmless without a client key), and a {@code sasl.jaas.config} that carries
   * the third as an extra login module option (ignored by the PLAIN module) next to the broker's password.
   */
  private OutboxRelay.Builder withSecrets(TestDatabase db, TestKafka kafka, String prefix) {
    String url = db.jdbcUrl();
    OutboxRelay.Builder builder = RelayFixture.relay(db, kafka, prefix)
        .jdbcUrl(url + (url.contains("?") ? "&" : "?") + "sslpassword=" + urlSecret)
        .password(databasePassword)
        .stallTimeout(Duration.ofSeconds(1));
    KafkaServer.SaslListener sasl = kafka.sasl();
    if (sasl != null) {
      String jaas = sasl.jaasConfig();
      builder.bootstrapServers(sasl.bootstrapServers())
          .producerProperty("security.protocol", "SASL_PLAINTEXT")
          .producerProperty("sasl.mechanism", "PLAIN")
          .producerProperty("sasl.jaas.config", jaas.substring(0, jaas.length() - 1) + " marker=\"" + jaasSecret
              + "\";");
    } else {
      builder.producerProperty("sasl.jaas.config", "org.apache.kafka.common.security.plain.PlainLoginModule "
          + "required username=\"relay\" password=\"" + jaasSecret + "\";");
    }
    return builder;
  }

  private void assertNoSecretInTheLog() {
    List<ILoggingEvent> events = new ArrayList<>(log.list);
    for (ILoggingEvent event : events) {
      String where = "log line of " + event.getLoggerName();
      assertNoSecretIn(where, event.getFormattedMessage());
      for (IThrowableProxy t = event.getThrowableProxy(); t != null; t = t.getCause()) {
        assertNoSecretIn(where + " (exception)", String.valueOf(t.getMessage()));
        for (IThrowableProxy suppressed : t.getSuppressed()) {
          assertNoSecretIn(where + " (suppressed exception)", String.valueOf(suppressed.getMessage()));
        }
      }
    }
  }

  private void assertNoSecretIn(String where, String text) {
    assertThat(text).as(where).doesNotContain(databasePassword).doesNotContain(urlSecret)
        .doesNotContain(jaasSecret);
  }
}
