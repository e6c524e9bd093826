package io.outboxkit.spring.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.outboxkit.test.OutboxTestInfrastructure;
import io.outboxkit.test.TestDatabase;
import io.outboxkit.test.TestKafka;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.UUID;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Import;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The inbox's meters of an {@link IdempotentListener @IdempotentListener} against real PostgreSQL and Kafka, read
 * from the application's MeterRegistry as a user would: a new record moves {@code outboxkit.inbox.processed}, the
 * same record delivered again moves {@code .duplicates} and nothing else, and a record that always fails moves
 * {@code .failures} once per attempt and then {@code .dead.letters}, all tagged with the consumer name.
 */
@ExtendWith(ListenerMetersIT.DropDatabaseLast.class) // declared first: runs after the context closed
@SpringBootTest(classes = ListenerMetersIT.StockApplication.class, properties = {
    "outbox.relay.enabled=false",
    "outbox.writer.enabled=false",
    "outbox.inbox.initialize-schema=true",
    "outbox.inbox.listener.error-handler.attempts=3",
    "outbox.inbox.listener.error-handler.backoff.delay=100ms",
    "outbox.inbox.listener.error-handler.backoff.max-delay=200ms",
    "spring.kafka.consumer.auto-offset-reset=earliest"})
@DirtiesContext
class ListenerMetersIT {

  private static final Duration WAIT = Duration.ofSeconds(120);

  static final TestDatabase DATABASE = OutboxTestInfrastructure.shared().newDatabase("listener_meters");
  static final TestKafka KAFKA = OutboxTestInfrastructure.shared().kafka("listener-meters");
  static final String TOPIC = KAFKA.newTopic("stock");

  @DynamicPropertySource
  static void infrastructure(DynamicPropertyRegistry registry) throws Exception {
    try (Connection connection = DATABASE.openConnection(); Statement statement = connection.createStatement()) {
      statement.execute("CREATE TABLE reservations (order_id varchar(64) NOT NULL)");
    }
    KAFKA.createTopic(TOPIC, 1);
    KAFKA.createTopic(TOPIC + ".dlq", 1);
    registry.add("spring.datasource.url", DATABASE::jdbcUrl);
    registry.add("spring.datasource.username", DATABASE::username);
    registry.add("spring.datasource.password", DATABASE::password);
    registry.add("spring.kafka.bootstrap-servers", KAFKA::bootstrapServers);
    registry.add("stock.topic", () -> TOPIC);
  }

  /** Drops the test database once the application has stopped. */
  static final class DropDatabaseLast implements AfterAllCallback {

    @Override
    public void afterAll(ExtensionContext context) {
      DATABASE.close();
    }
  }

  @Autowired MeterRegistry registry;
  @Autowired JdbcTemplate jdbc;

  @Test
  void eachOutcomeMovesItsOwnCounter() throws Exception {
    String first = UUID.randomUUID().toString();
    publish("order-1", "ok", first);
    await().atMost(WAIT).until(() -> count("outboxkit.inbox.processed") == 1);
    assertThat(count("outboxkit.inbox.duplicates")).isZero();
    assertThat(count("outboxkit.inbox.failures")).isZero();
    assertThat(count("outboxkit.inbox.dead.letters")).isZero();

    publish("order-1", "ok", first); // the same event delivered again
    await().atMost(WAIT).until(() -> count("outboxkit.inbox.duplicates") == 1);
    assertThat(count("outboxkit.inbox.processed")).as("the inbox absorbed it").isEqualTo(1);
    assertThat(reservations("order-1")).isEqualTo(1);

    publish("order-2", "poison", UUID.randomUUID().toString()); // fails on each of the 3 attempts
    publish("order-3", "ok", UUID.randomUUID().toString());
    await().atMost(WAIT).until(() -> count("outboxkit.inbox.processed") == 2);
    assertThat(count("outboxkit.inbox.failures")).isEqualTo(3);
    assertThat(count("outboxkit.inbox.dead.letters")).isEqualTo(1);
    assertThat(count("outboxkit.inbox.duplicates")).isEqualTo(1);
    assertThat(reservations("order-2")).isZero();
    assertThat(registry.find("outboxkit.inbox.processed").counters()).as("one series, for the one consumer")
        .hasSize(1);
  }

  private double count(String name) {
    Counter counter = registry.find(name).tag("consumer", "stock").counter();
    return counter == null ? -1 : counter.count();
  }

  private int reservations(String order) {
    return jdbc.queryForObject("SELECT count(*) FROM reservations WHERE order_id = ?", Integer.class, order);
  }

  private static void publish(String order, String value, String id) throws Exception {
    var properties = KAFKA.producerProperties();
    properties.put("key.serializer", StringSerializer.class.getName());
    properties.put("value.serializer", StringSerializer.class.getName());
    try (KafkaProducer<String, String> producer = new KafkaProducer<>(properties)) {
      ProducerRecord<String, String> record = new ProducerRecord<>(TOPIC, order, value);
      record.headers().add("id", id.getBytes(StandardCharsets.UTF_8));
      producer.send(record).get();
    }
  }

  @SpringBootConfiguration
  @EnableAutoConfiguration
  @Import(StockListener.class)
  static class StockApplication {
  }

  /** Reserves stock for each order once; a poison order cannot be reserved. */
  static class StockListener {

    private final JdbcTemplate jdbc;

    StockListener(JdbcTemplate jdbc) {
      this.jdbc = jdbc;
    }

    @KafkaListener(topics = "${stock.topic}", groupId = "stock")
    @IdempotentListener
    public void on(org.apache.kafka.clients.consumer.ConsumerRecord<String, String> record) {
      jdbc.update("INSERT INTO reservations (order_id) VALUES (?)", record.key());
      if ("poison".equals(record.value())) {
        throw new IllegalStateException("cannot reserve " + record.key()); // after the insert: rolled back
      }
    }
  }
}
