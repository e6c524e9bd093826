package io.outboxkit.spring.saga;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
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
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.StreamSupport;
import java.util.Optional;
import javax.sql.DataSource;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.actuate.endpoint.InvalidEndpointRequestException;
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
    // static membership: each saga consumer gets this id followed by its number
    "spring.kafka.consumer.properties.group.instance.id=saga-it",
    "spring.kafka.consumer.auto-offset-reset=earliest",
    "management.endpoints.web.exposure.include=health,sagas"})
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
  @Autowired SagaEndpoint endpoint;
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
    assertThat(meters.get("outboxkit.saga.started").tag("saga.type", "checkout").counter().count()).isEqualTo(2);
    assertThat(meters.get("outboxkit.saga.duration").tag("state", "completed").timer().count()).isEqualTo(1);
    assertThat(meters.get("outboxkit.saga.duration").tag("state", "compensated").timer().count()).isEqualTo(1);
    assertThat(meters.get("outboxkit.saga.step.duration").tag("saga.type", "checkout").timers()).isNotEmpty();
    assertThat(meters.get("outboxkit.saga.active").tag("state", "failed").gauge().value()).isZero();
    // the saga consumers count in the inbox's meters under their consumer names: 2 commands and 2 replies
    // at least (the reply consumer may also have taken a resend)
    assertThat(meters.find("outboxkit.inbox.processed").tag("consumer", "outboxkit-saga-payment").meter())
        .isNotNull();
    await().atMost(WAIT).untilAsserted(() -> assertThat(meters.get("outboxkit.inbox.processed")
        .tag("consumer", "outboxkit-saga-orchestrator").meter().measure().iterator().next().getValue())
        .isGreaterThanOrEqualTo(2));
  }

  /**
   * With a {@code group.instance.id} among Spring Kafka's consumer properties, the saga consumers are static
   * members of their groups, each with the id followed by its number (one consumer each here).
   */
  @Test
  void theSagaConsumersAreStaticMembersWithAnIdOfTheirOwn() {
    try (Admin admin = Admin.create(Map.<String, Object>of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
        KAFKA.bootstrapServers()))) {
      for (String group : List.of("outboxkit-saga-orchestrator", "outboxkit-saga-payment")) {
        await().atMost(WAIT).untilAsserted(() -> assertThat(admin.describeConsumerGroups(List.of(group)).all().get()
            .get(group).members()).as(group).extracting(member -> member.groupInstanceId().orElse("none"))
            .containsExactly("saga-it-1"));
      }
    }
  }

  /**
   * Every meter docs/observability.md lists exists in the application (the relay, the writer, the saga's
   * consumers and the orchestrator all record in its registry), every one that this flow drives has moved, and
   * every metric the Grafana dashboard queries is one that Prometheus shows.
   */
  @Test
  void everyDocumentedMeterExistsAndEveryDashboardQueryNamesAMetricThatIsThere() throws Exception {
    orders.place("meters-ok", 10);
    orders.place("meters-declined", 9_000);
    await().atMost(WAIT).until(() -> state("meters-ok"), Optional.of(SagaState.COMPLETED)::equals);
    await().atMost(WAIT).until(() -> state("meters-declined"), Optional.of(SagaState.COMPENSATED)::equals);

    List<String> documented = Files.readAllLines(Path.of("..", "docs", "observability.md")).stream()
        .filter(line -> line.startsWith("| `outboxkit."))
        .map(line -> line.substring(3, line.indexOf('`', 3)))
        .toList();
    assertThat(documented).hasSizeGreaterThan(20).doesNotHaveDuplicates();
    // the relay's gauges appear with their first sample
    await().atMost(WAIT).untilAsserted(() -> assertThat(documented)
        .allSatisfy(name -> assertThat(meters.find(name).meters()).as(name).isNotEmpty()));
    assertThat(meters.getMeters()).extracting(meter -> meter.getId().getName())
        .filteredOn(name -> name.startsWith("outboxkit."))
        .allSatisfy(name -> assertThat(documented).as("documented meters").contains(name));

    // the meters that only faults move are shown moving by their modules' tests (see docs/observability.md)
    Set<String> faultsOnly = Set.of("outboxkit.relay.dead.letters", "outboxkit.relay.retries",
        "outboxkit.relay.recovered", "outboxkit.inbox.duplicates", "outboxkit.inbox.failures",
        "outboxkit.inbox.dead.letters", "outboxkit.inbox.skipped", "outboxkit.inbox.outages",
        "outboxkit.saga.timeouts", "outboxkit.saga.replies.ignored", "outboxkit.relay.slot.lag",
        "outboxkit.saga.active");
    for (String name : documented) {
      if (faultsOnly.contains(name)) {
        continue;
      }
      double moved = meters.find(name).meters().stream()
          .flatMap(meter -> StreamSupport.stream(meter.measure().spliterator(), false))
          .mapToDouble(measurement -> Math.abs(measurement.getValue()))
          .sum();
      assertThat(moved).as(name + " moved").isPositive();
    }

    String scrape = ((PrometheusMeterRegistry) meters).scrape();
    Set<String> exposed = Pattern.compile("(?m)^(outboxkit_[a-z_]+)").matcher(scrape).results()
        .map(match -> match.group(1)).collect(Collectors.toSet());
    JsonNode dashboard = new ObjectMapper().readTree(Path.of("..", "docs", "grafana", "outboxkit.json").toFile());
    List<String> queries = dashboard.findValues("expr").stream().map(JsonNode::asText).toList();
    assertThat(queries).hasSizeGreaterThan(10);
    for (String query : queries) {
      List<String> metrics = Pattern.compile("outboxkit_[a-z_]+").matcher(query).results()
          .map(match -> match.group()).toList();
      assertThat(metrics).as(query).isNotEmpty();
      assertThat(exposed).as("metrics Prometheus shows, for the query " + query).containsAll(metrics);
    }
  }

  @Test
  void theSagasEndpointShowsCountsSagasAndHistoryAndRetriesOnlyFailedSagas() {
    orders.place("endpoint-1", 10);
    await().atMost(WAIT).until(() -> state("endpoint-1"), Optional.of(SagaState.COMPLETED)::equals);

    SagaEndpoint.Overview failed = endpoint.sagas(null, null);
    assertThat(failed.listedState()).isEqualTo("FAILED");
    assertThat(failed.sagas()).isEmpty();
    assertThat(failed.failed()).isZero();
    assertThat(endpoint.sagas("completed", SagaEndpoint.MAX_LIMIT).sagas()).extracting(SagaInstance::sagaId)
        .contains("endpoint-1");

    SagaEndpoint.Detail detail = endpoint.saga("checkout", "endpoint-1");
    assertThat(detail).isNotNull();
    assertThat(detail.saga().state()).isEqualTo(SagaState.COMPLETED);
    assertThat(detail.history()).extracting(entry -> entry.phase() + " " + entry.event())
        .startsWith("SAGA STARTED").endsWith("SAGA COMPLETED");
    assertThat(endpoint.saga("checkout", "no-such-order")).isNull();

    SagaEndpoint.RetryResult retry = endpoint.retry("checkout", "endpoint-1");
    assertThat(retry.retried()).isFalse();
    assertThat(retry.message()).contains("it is COMPLETED", "only FAILED sagas are retried");
    assertThat(endpoint.retry("checkout", "no-such-order").message()).contains("there is no such saga");
    assertThatThrownBy(() -> endpoint.sagas("sleeping", null)).isInstanceOf(InvalidEndpointRequestException.class)
        .hasMessageContaining("state is 'sleeping'");
    assertThatThrownBy(() -> endpoint.sagas(null, 0)).isInstanceOf(InvalidEndpointRequestException.class)
        .hasMessageContaining("limit is 0");
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

    /** As Prometheus shows the meters: the test reads the names its queries use from its scrape. */
    @Bean
    PrometheusMeterRegistry prometheusMeterRegistry() {
      return new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    }

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
