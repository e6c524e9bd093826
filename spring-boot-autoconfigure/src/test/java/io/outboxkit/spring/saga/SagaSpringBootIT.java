package io.outboxkit.spring.saga;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.MeterRegistry;
import io.outboxkit.saga.Reply;
import io.outboxkit.saga.SagaDefinition;
import io.outboxkit.saga.SagaInstance;
import io.outboxkit.saga.SagaOrchestrator;
import io.outboxkit.saga.SagaParticipant;
import io.outboxkit.saga.SagaState;
import io.outboxkit.test.OutboxTestInfrastructure;
import io.outboxkit.test.TestDatabase;
import io.outboxkit.test.TestKafka;
import io.outboxkit.writer.OutboxWriter;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Optional;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Service;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.transaction.annotation.Transactional;

/**
 * A Spring Boot application that orchestrates a saga and is its payment participant, on real PostgreSQL and
 * Kafka with the relay inside the application: the saga starts in the order's transaction, completes or
 * compensates, and shows in the health and the meters.
 */
@ExtendWith(SagaSpringBootIT.DropDatabaseLast.class)
@SpringBootTest(classes = SagaSpringBootIT.App.class, properties = {
    "outbox.writer.initialize-schema=true",
    "outbox.inbox.initialize-schema=true",
    "outbox.saga.initialize-schema=true",
    "outbox.relay.enabled=true",
    "outbox.relay.heartbeat-interval=1s",
    "outbox.saga.participant.channel=payment",
    "outbox.saga.scan-interval=200ms",
    "spring.kafka.consumer.auto-offset-reset=earliest"})
@DirtiesContext
class SagaSpringBootIT {

  private static final Duration WAIT = Duration.ofSeconds(120);

  static final TestDatabase DATABASE = OutboxTestInfrastructure.shared().newDatabase("spring_saga");
  static final TestKafka KAFKA = OutboxTestInfrastructure.shared().kafka("spring-saga");
  static final String TOPIC_PREFIX = KAFKA.newTopic("saga") + ".";

  @DynamicPropertySource
  static void infrastructure(DynamicPropertyRegistry registry) throws SQLException {
    try (Connection connection = DATABASE.openConnection(); Statement statement = connection.createStatement()) {
      statement.execute("CREATE TABLE orders (id varchar(64) PRIMARY KEY, status varchar(16) NOT NULL)");
      statement.execute("CREATE TABLE charges (order_id varchar(64) NOT NULL, refunded boolean NOT NULL)");
    }
    KAFKA.createTopic(TOPIC_PREFIX + "saga-replies", 1);
    KAFKA.createTopic(TOPIC_PREFIX + "payment", 1);
    registry.add("spring.datasource.url", DATABASE::jdbcUrl);
    registry.add("spring.datasource.username", DATABASE::username);
    registry.add("spring.datasource.password", DATABASE::password);
    registry.add("spring.kafka.bootstrap-servers", KAFKA::bootstrapServers);
    registry.add("outbox.relay.topic-prefix", () -> TOPIC_PREFIX);
    registry.add("outbox.saga.topic-prefix", () -> TOPIC_PREFIX);
    registry.add("outbox.replication-slot", DATABASE::name);
  }

  /** Drops the test database once the application (and the relay holding the slot) has stopped. */
  static final class DropDatabaseLast implements AfterAllCallback {

    @Override
    public void afterAll(ExtensionContext context) {
      DATABASE.close();
    }
  }

  @Autowired Orders orders;
  @Autowired SagaOrchestrator orchestrator;
  @Autowired JdbcTemplate jdbc;
  @Autowired MeterRegistry meters;
  @Autowired @Qualifier("sagaHealthIndicator") HealthIndicator sagaHealth;

  @Test
  void aSagaStartedInTheOrdersTransactionCompletesOrCompensatesAndShowsInHealthAndMeters() {
    orders.place("ok-1", 50);
    orders.place("declined-1", 5_000);
    assertThatThrownBy(() -> orders.placeAndFail("rolled-back-1")).isInstanceOf(IllegalStateException.class);

    await().atMost(WAIT).until(() -> state("ok-1"), Optional.of(SagaState.COMPLETED)::equals);
    await().atMost(WAIT).until(() -> state("declined-1"), Optional.of(SagaState.COMPENSATED)::equals);
    assertThat(jdbc.queryForObject("SELECT status FROM orders WHERE id = 'ok-1'", String.class)).isEqualTo("APPROVED");
    assertThat(jdbc.queryForObject("SELECT status FROM orders WHERE id = 'declined-1'", String.class))
        .isEqualTo("CANCELLED");
    assertThat(jdbc.queryForObject("SELECT count(*) FROM charges WHERE order_id = 'ok-1'", Integer.class)).isOne();
    assertThat(jdbc.queryForObject("SELECT count(*) FROM charges WHERE order_id = 'declined-1'", Integer.class))
        .isZero();
    assertThat(state("rolled-back-1")).isEmpty();
    assertThat(jdbc.queryForObject("SELECT count(*) FROM orders WHERE id = 'rolled-back-1'", Integer.class)).isZero();

    Health health = sagaHealth.health();
    assertThat(health.getStatus()).isEqualTo(Status.UP);
    assertThat(health.getDetails()).containsEntry("failed", 0L).containsEntry("overdue", 0L)
        .containsEntry("running", 0L);
    assertThat(meters.get("outboxkit.saga.started").functionCounter().count()).isEqualTo(2);
    assertThat(meters.get("outboxkit.saga.completed").functionCounter().count()).isEqualTo(1);
    assertThat(meters.get("outboxkit.saga.compensated").functionCounter().count()).isEqualTo(1);
    assertThat(meters.get("outboxkit.saga.active").tag("state", "failed").gauge().value()).isZero();
    // the saga consumers count in the inbox's meters under their consumer names: 2 commands and 2 replies
    // at least (the reply consumer may also have taken a resend)
    assertThat(meters.find("outboxkit.inbox.processed").tag("consumer", "outboxkit-saga-payment").meter())
        .isNotNull();
    await().atMost(WAIT).untilAsserted(() -> assertThat(meters.get("outboxkit.inbox.processed")
        .tag("consumer", "outboxkit-saga-orchestrator").meter().measure().iterator().next().getValue())
        .isGreaterThanOrEqualTo(2));
  }

  private Optional<SagaState> state(String id) {
    return orchestrator.find("checkout", id).map(SagaInstance::state);
  }

  /** The saga's data. */
  public static final class Checkout {
    public String orderId;
    public int amount;
  }

  /** The payment command. */
  record Charge(String orderId, int amount) {
  }

  @Service
  static class Orders {

    private final JdbcTemplate jdbc;
    private final SagaOrchestrator orchestrator;

    Orders(JdbcTemplate jdbc, SagaOrchestrator orchestrator) {
      this.jdbc = jdbc;
      this.orchestrator = orchestrator;
    }

    @Transactional
    public void place(String id, int amount) {
      jdbc.update("INSERT INTO orders (id, status) VALUES (?, 'PENDING')", id);
      Checkout checkout = new Checkout();
      checkout.orderId = id;
      checkout.amount = amount;
      orchestrator.start("checkout", id, checkout);
    }

    @Transactional
    public void placeAndFail(String id) {
      place(id, 1);
      throw new IllegalStateException("the order service fails after starting the saga");
    }
  }

  @SpringBootConfiguration
  @EnableAutoConfiguration
  @Import(Orders.class)
  static class App {

    @Bean
    SagaDefinition<Checkout> checkout() {
      return SagaDefinition.builder("checkout", Checkout.class)
          .step("reserve")
          .local((data, connection) -> { })
          .localCompensation((data, connection) -> {
            try (var statement = connection.prepareStatement("UPDATE orders SET status = 'CANCELLED' WHERE id = ?")) {
              statement.setString(1, data.orderId);
              statement.executeUpdate();
            }
          })
          .step("charge")
          .invoke("payment", "Charge", data -> new Charge(data.orderId, data.amount))
          .compensate("Refund", data -> new Charge(data.orderId, data.amount))
          .step("approve")
          .local((data, connection) -> {
            try (var statement = connection.prepareStatement("UPDATE orders SET status = 'APPROVED' WHERE id = ?")) {
              statement.setString(1, data.orderId);
              statement.executeUpdate();
            }
          })
          .build();
    }

    @Bean
    SagaParticipant payment(DataSource dataSource, OutboxWriter writer) {
      return SagaParticipant.builder(dataSource, writer)
          .onAction("Charge", Charge.class, (charge, context) -> {
            if (charge.amount() > 1_000) {
              return Reply.failure("LIMIT_EXCEEDED");
            }
            try (var statement = context.connection().prepareStatement(
                "INSERT INTO charges (order_id, refunded) VALUES (?, false)")) {
              statement.setString(1, charge.orderId());
              statement.executeUpdate();
            }
            return Reply.success();
          })
          .onCompensation("Refund", Charge.class, (charge, context) -> {
            try (var statement = context.connection().prepareStatement(
                "UPDATE charges SET refunded = true WHERE order_id = ?")) {
              statement.setString(1, charge.orderId());
              statement.executeUpdate();
            }
            return Reply.success();
          })
          .build();
    }
  }
}
