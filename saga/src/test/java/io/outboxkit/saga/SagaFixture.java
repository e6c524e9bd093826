package io.outboxkit.saga;

import static org.awaitility.Awaitility.await;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.opentelemetry.api.OpenTelemetry;
import io.outboxkit.inbox.Inbox;
import io.outboxkit.inbox.InboxSchema;
import io.outboxkit.inbox.kafka.InboxBatchHandler;
import io.outboxkit.inbox.kafka.InboxHandler;
import io.outboxkit.inbox.kafka.InboxKafkaRunner;
import io.outboxkit.relay.OutboxRelay;
import io.outboxkit.relay.RelayState;
import io.outboxkit.test.TestDatabase;
import io.outboxkit.test.TestKafka;
import io.outboxkit.writer.OutboxSchema;
import io.outboxkit.writer.OutboxWriter;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * One test's saga setting on real PostgreSQL and Kafka: the outbox, inbox, saga and barrier tables in the
 * test's database, a relay streaming them to the test's topics, and inbox runners for the orchestrator's
 * replies and for each participant. A table {@code effect} records every participant effect (no unique key,
 * so an effect applied twice shows as two rows).
 */
final class SagaFixture implements AutoCloseable {

  static final Duration TIMEOUT = Duration.ofSeconds(120);

  final TestDatabase db;
  final TestKafka kafka;
  /** A pool on the test's database, for everything but the relay. */
  final HikariDataSource dataSource;
  final String prefix;
  final OutboxWriter writer;
  final Inbox inbox;
  private final OutboxRelay relay;
  private final @Nullable OpenTelemetry openTelemetry;
  private final List<AutoCloseable> closeables = new ArrayList<>();

  SagaFixture(TestDatabase db, TestKafka kafka) throws SQLException {
    this(db, kafka, null);
  }

  /** With {@code openTelemetry}, the relay and every runner trace with it. */
  SagaFixture(TestDatabase db, TestKafka kafka, @Nullable OpenTelemetry openTelemetry) throws SQLException {
    this.openTelemetry = openTelemetry;
    this.db = db;
    this.kafka = kafka;
    this.prefix = kafka.newTopic("saga") + ".";
    this.dataSource = pool(db.jdbcUrl(), db.username(), db.password());
    OutboxSchema.builder().replicationSlot(db.name()).build().install(db.dataSource());
    InboxSchema.builder().build().install(db.dataSource());
    SagaSchema.orchestrator("public").install(db.dataSource());
    SagaSchema.participant("public").install(db.dataSource());
    db.execute("CREATE TABLE effect (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, saga_id text NOT NULL,"
        + " name text NOT NULL)");
    writer = OutboxWriter.builder(dataSource).build();
    inbox = Inbox.builder(dataSource).build();
    OutboxRelay.Builder relayBuilder = OutboxRelay.builder().database(db.host(), db.port(), db.name())
        .username(db.username()).password(db.password()).replicationSlot(db.name()).topicPrefix(prefix)
        .bootstrapServers(kafka.bootstrapServers()).heartbeatInterval(Duration.ofSeconds(1));
    if (openTelemetry != null) {
      relayBuilder.openTelemetry(openTelemetry);
    }
    relay = relayBuilder.build();
    relay.start();
    await("relay ACTIVE").atMost(TIMEOUT).until(() -> relay.status().state() == RelayState.ACTIVE);
  }

  String topic(String channel) {
    return prefix + channel;
  }

  /** Creates the channel's topic and starts an inbox runner on it with the given consumer name. */
  InboxKafkaRunner consume(String channel, String consumerName, InboxHandler handler) {
    return consume(channel, consumerName, consumerName + "-" + kafka.newGroupId(), handler);
  }

  /** Like {@link #consume(String, String, InboxHandler)}, in the given consumer group. */
  InboxKafkaRunner consume(String channel, String consumerName, String groupId, InboxHandler handler) {
    return start(channel, consumerName, groupId, InboxKafkaRunner.builder(inbox).handler(handler));
  }

  /** Like {@link #consume(String, String, InboxHandler)}, with one inbox transaction per poll. */
  InboxKafkaRunner consumeBatches(String channel, String consumerName, InboxBatchHandler handler) {
    return start(channel, consumerName, consumerName + "-" + kafka.newGroupId(),
        InboxKafkaRunner.builder(inbox).batchHandler(handler));
  }

  private InboxKafkaRunner start(String channel, String consumerName, String groupId,
      InboxKafkaRunner.Builder builder) {
    String topic = topic(channel);
    kafka.createTopic(topic, 2);
    builder
        .consumerProperties(kafka.consumerProperties(groupId))
        .topics(topic)
        .consumerName(consumerName)
        .maxAttempts(3)
        .backoff(Duration.ofMillis(200), Duration.ofSeconds(1));
    if (openTelemetry != null) {
      builder.openTelemetry(openTelemetry);
    }
    InboxKafkaRunner runner = builder.build();
    runner.start();
    closeables.add(runner);
    return runner;
  }

  /** Records an effect of a participant in its transaction. */
  static void effect(Connection connection, String sagaId, String name) throws SQLException {
    try (PreparedStatement statement = connection.prepareStatement("INSERT INTO effect (saga_id, name) VALUES (?, ?)")) {
      statement.setString(1, sagaId);
      statement.setString(2, name);
      statement.executeUpdate();
    }
  }

  /** The effects of a saga, in the order they were applied. */
  List<String> effects(String sagaId) throws SQLException {
    try (Connection connection = db.openConnection();
        PreparedStatement statement = connection.prepareStatement("SELECT name FROM effect WHERE saga_id = ? ORDER BY id")) {
      statement.setString(1, sagaId);
      List<String> names = new ArrayList<>();
      try (ResultSet rows = statement.executeQuery()) {
        while (rows.next()) {
          names.add(rows.getString(1));
        }
      }
      return names;
    }
  }

  void closeLater(AutoCloseable closeable) {
    closeables.add(closeable);
  }

  static SagaInstance awaitState(SagaOrchestrator orchestrator, String type, String id, SagaState state) {
    return await(type + "/" + id + " " + state).atMost(TIMEOUT).pollInterval(Duration.ofMillis(100))
        .until(() -> orchestrator.find(type, id).orElse(null), found -> {
          if (found != null && found.state().isFinal() && found.state() != state) {
            throw new AssertionError(type + "/" + id + " ended " + found.state() + " (" + found.lastError()
                + "), expected " + state + "; history: " + orchestrator.history(type, id));
          }
          return found != null && found.state() == state;
        });
  }

  @Override
  public void close() throws Exception {
    for (int i = closeables.size() - 1; i >= 0; i--) {
      closeables.get(i).close();
    }
    relay.close();
    dataSource.close();
  }

  static HikariDataSource pool(String jdbcUrl, String username, String password) {
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl(jdbcUrl);
    config.setUsername(username);
    config.setPassword(password);
    config.setMaximumPoolSize(10);
    return new HikariDataSource(config);
  }
}
