package io.outboxkit.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.MeterRegistry;
import io.outboxkit.core.DeadLetterHeaders;
import io.outboxkit.relay.OutboxRelay;
import io.outboxkit.relay.RelayState;
import io.outboxkit.spring.kafka.IdempotentListener;
import io.outboxkit.test.OutboxTestInfrastructure;
import io.outboxkit.test.TestDatabase;
import io.outboxkit.test.TestKafka;
import io.outboxkit.writer.OutboxWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Import;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.transaction.annotation.Transactional;

/**
 * A Spring Boot application with the auto-configuration against real PostgreSQL and Kafka: a
 * {@code @Transactional} service saves an order and publishes an event with the {@link OutboxWriter}, the relay
 * embedded in the application delivers it, and an {@link IdempotentListener @IdempotentListener}
 * {@code @KafkaListener} reserves stock once, even when the record is delivered twice; a second group bills
 * each order once with a batch listener ({@code List<ConsumerRecord>}).
 */
@ExtendWith(OutboxKitSpringBootIT.DropDatabaseLast.class) // declared first, so it runs after Spring closed the context
@SpringBootTest(classes = OutboxKitSpringBootIT.ShopApplication.class, properties = {
    "outbox.writer.initialize-schema=true",
    "outbox.inbox.initialize-schema=true",
    "outbox.relay.enabled=true",
    "outbox.inbox.listener.error-handler.attempts=3",
    "outbox.inbox.listener.error-handler.backoff.delay=200ms",
    "outbox.inbox.listener.error-handler.backoff.max-delay=400ms",
    "spring.kafka.consumer.auto-offset-reset=earliest"})
@DirtiesContext
class OutboxKitSpringBootIT {

  private static final Duration WAIT = Duration.ofSeconds(120);
  private static final ObjectMapper JSON = new ObjectMapper();

  static final TestDatabase DATABASE = OutboxTestInfrastructure.shared().newDatabase("spring_boot");
  static final TestKafka KAFKA = OutboxTestInfrastructure.shared().kafka("spring-boot");
  static final String TOPIC_PREFIX = KAFKA.newTopic("events") + ".";
  static final String ORDER_TOPIC = TOPIC_PREFIX + "order";
  static final String DEAD_LETTER_TOPIC = ORDER_TOPIC + ".dlq";

  @DynamicPropertySource
  static void infrastructure(DynamicPropertyRegistry registry) throws SQLException {
    try (Connection connection = DATABASE.openConnection(); Statement statement = connection.createStatement()) {
      statement.execute("CREATE TABLE orders (id varchar(64) PRIMARY KEY, sku varchar(64) NOT NULL)");
      // no unique key: a second reservation for an order would show as a second row
      statement.execute("CREATE TABLE reservations (order_id varchar(64) NOT NULL, sku varchar(64) NOT NULL)");
      statement.execute("CREATE TABLE invoices (order_id varchar(64) NOT NULL)");
      statement.execute("CREATE TABLE receipts (order_id varchar(64) NOT NULL)");
    }
    KAFKA.createTopic(ORDER_TOPIC, 1);
    registry.add("spring.datasource.url", DATABASE::jdbcUrl);
    registry.add("spring.datasource.username", DATABASE::username);
    registry.add("spring.datasource.password", DATABASE::password);
    registry.add("spring.kafka.bootstrap-servers", KAFKA::bootstrapServers);
    registry.add("outbox.relay.topic-prefix", () -> TOPIC_PREFIX);
    registry.add("shop.order-topic", () -> ORDER_TOPIC);
  }

  @Autowired OrderService orders;
  @Autowired InventoryListener inventory;
  @Autowired BillingListener billing;
  @Autowired JdbcTemplate jdbc;
  @Autowired MeterRegistry meterRegistry;
  @Autowired OutboxRelay relay;
  @Autowired ConfigurableApplicationContext context;
  @Autowired @Qualifier("outboxRelayHealthIndicator") HealthIndicator relayHealth;

  /** Drops the test database once the application (and with it the relay holding the slot) has stopped. */
  static final class DropDatabaseLast implements AfterAllCallback {

    @Override
    public void afterAll(ExtensionContext context) {
      DATABASE.close();
    }
  }

  @Test
  void anEventIsRelayedAndItsEffectAppliedOnceEvenWhenDeliveredTwice() throws Exception {
    String order = "order-" + UUID.randomUUID();
    UUID eventId = orders.placeOrder(order, "sku-1", false);

    await().atMost(WAIT).until(() -> reservations(order) == 1);
    assertThat(inboxRows(eventId.toString())).isEqualTo(1);

    // the relayed record, delivered a second time by hand
    ConsumerRecord<byte[], byte[]> relayed = relayedRecord(eventId);
    assertThat(new String(relayed.key(), StandardCharsets.UTF_8)).isEqualTo(order);
    redeliver(relayed);

    // a later order on the same partition: once its effect is there, the duplicate was consumed before it
    String later = "order-" + UUID.randomUUID();
    orders.placeOrder(later, "sku-2", false);
    await().atMost(WAIT).until(() -> reservations(later) == 1);

    assertThat(reservations(order)).isEqualTo(1);
    assertThat(inventory.calls(order)).isEqualTo(1);
    assertThat(inboxRows(eventId.toString())).isEqualTo(1);

    // the batch listener of the second group: billed once, the duplicate skipped before the method
    await().atMost(WAIT).until(() -> invoices(later) == 1);
    assertThat(invoices(order)).isEqualTo(1);
    assertThat(billing.calls(order)).isEqualTo(1);
    assertThat(inboxRows("billing", eventId.toString())).isEqualTo(1);
  }

  @Test
  void aFailingRecordOfABatchIsDeadLetteredAndTheOthersAreAppliedOnce() throws Exception {
    String before = "order-" + UUID.randomUUID();
    String failing = "order-" + UUID.randomUUID();
    String after = "order-" + UUID.randomUUID();
    orders.placeOrders(List.of(before, failing, after),
        List.of("sku-6", BillingListener.UNBILLABLE, "sku-7")); // one transaction: likely one poll, one batch

    ConsumerRecord<byte[], byte[]> deadLetter = deadLetterFor(failing);
    assertThat(header(deadLetter, DeadLetterHeaders.REASON)).isEqualTo(DeadLetterHeaders.REASON_RETRIES_EXHAUSTED);
    assertThat(header(deadLetter, DeadLetterHeaders.ERROR_CLASS)).isEqualTo(IllegalStateException.class.getName());
    assertThat(header(deadLetter, DeadLetterHeaders.ERROR_MESSAGE)).isEqualTo("cannot bill " + failing);
    assertThat(header(deadLetter, DeadLetterHeaders.CONSUMER)).isEqualTo("billing");
    assertThat(header(deadLetter, "kafka_dlt-exception-message")).contains("cannot bill");
    await().atMost(WAIT).until(() -> invoices(before) == 1 && invoices(after) == 1);
    assertThat(invoices(failing)).isZero();
    assertThat(billing.calls(failing)).isGreaterThanOrEqualTo(3); // error-handler.attempts=3, each rolled back
    assertThat(inboxRows("billing", header(deadLetter, "id"))).isZero();
    // the failed attempts were rolled back whole, so the other records were applied once, not once per attempt
    assertThat(invoices(before)).isEqualTo(1);
    assertThat(invoices(after)).isEqualTo(1);
    assertThat(reservations(failing)).isEqualTo(1); // the other group is not affected
  }

  @Test
  void aTransactionalBatchListenerRunsInTheInboxTransactionSoOnlyTheFailingRecordIsDeadLettered() throws Exception {
    String before = "order-" + UUID.randomUUID();
    String failing = "order-" + UUID.randomUUID();
    String after = "order-" + UUID.randomUUID();
    orders.placeOrders(List.of(before, failing, after),
        List.of("sku-8", ReceiptListener.NO_RECEIPT, "sku-9")); // one transaction: likely one poll, one batch

    // @Transactional on the method joins the inbox's transaction (the inbox's advice runs first), so the batch
    // is applied one by one after the failure, as without it
    await().atMost(WAIT).until(() -> receipts(before) == 1 && receipts(after) == 1);
    List<ConsumerRecord<byte[], byte[]>> deadLetters = KAFKA.readRecordsUntil(DEAD_LETTER_TOPIC,
        all -> all.stream().anyMatch(record -> failing.equals(key(record))), WAIT);
    assertThat(deadLetters).extracting(OutboxKitSpringBootIT::key).doesNotContain(before, after);
    assertThat(deadLetters).filteredOn(record -> failing.equals(key(record))).singleElement()
        .satisfies(record -> assertThat(header(record, "kafka_dlt-exception-message")).contains("no receipt"));
    assertThat(receipts(failing)).isZero();
    assertThat(receipts(before)).isEqualTo(1);
    assertThat(receipts(after)).isEqualTo(1);
  }

  @Test
  void aRolledBackTransactionPublishesNothing() {
    String order = "order-" + UUID.randomUUID();
    assertThatThrownBy(() -> orders.placeOrder(order, "sku-3", true)).hasMessage("payment declined");
    assertThat(jdbc.queryForObject("SELECT count(*) FROM orders WHERE id = ?", Integer.class, order)).isZero();
    assertThat(jdbc.queryForObject("SELECT count(*) FROM outbox_event WHERE aggregateid = ?", Integer.class, order))
        .isZero();
  }

  @Test
  void aFailingListenerIsRetriedThenDeadLetteredWithItsInboxRowRolledBack() throws Exception {
    String order = "order-" + UUID.randomUUID();
    UUID eventId = orders.placeOrder(order, InventoryListener.OUT_OF_STOCK, false);

    ConsumerRecord<byte[], byte[]> deadLetter = deadLetterFor(order);
    assertThat(header(deadLetter, "id")).isEqualTo(eventId.toString());
    // the documented dead-letter headers, as the relay and the inbox runner write them
    assertThat(header(deadLetter, DeadLetterHeaders.REASON)).isEqualTo(DeadLetterHeaders.REASON_RETRIES_EXHAUSTED);
    assertThat(header(deadLetter, DeadLetterHeaders.ERROR_CLASS)).isEqualTo(IllegalStateException.class.getName());
    assertThat(header(deadLetter, DeadLetterHeaders.ERROR_MESSAGE)).isEqualTo("sku out of stock");
    assertThat(header(deadLetter, DeadLetterHeaders.ORIGINAL_TOPIC)).isEqualTo(ORDER_TOPIC);
    assertThat(header(deadLetter, DeadLetterHeaders.ORIGINAL_PARTITION)).isEqualTo("0");
    ConsumerRecord<byte[], byte[]> original = relayedRecord(eventId);
    assertThat(header(deadLetter, DeadLetterHeaders.ORIGINAL_OFFSET)).isEqualTo(Long.toString(original.offset()));
    assertThat(header(deadLetter, DeadLetterHeaders.ORIGINAL_TIMESTAMP))
        .isEqualTo(Long.toString(original.timestamp()));
    assertThat(header(deadLetter, DeadLetterHeaders.EVENT_ID)).isEqualTo(eventId.toString());
    assertThat(header(deadLetter, DeadLetterHeaders.CONSUMER)).isEqualTo("inventory");
    // the consumers' set without the inbox runner's attempts and dedup key, which the error handler does not know
    assertThat(deadLetterHeaderNames(deadLetter)).containsExactlyInAnyOrder(DeadLetterHeaders.REASON,
        DeadLetterHeaders.ERROR_CLASS, DeadLetterHeaders.ERROR_MESSAGE, DeadLetterHeaders.ORIGINAL_TOPIC,
        DeadLetterHeaders.ORIGINAL_PARTITION, DeadLetterHeaders.ORIGINAL_OFFSET, DeadLetterHeaders.ORIGINAL_TIMESTAMP,
        DeadLetterHeaders.EVENT_ID, DeadLetterHeaders.CONSUMER);
    // Spring Kafka's own headers are kept beside them
    assertThat(header(deadLetter, "kafka_dlt-exception-message")).contains("sku out of stock");
    assertThat(header(deadLetter, "kafka_dlt-original-topic")).isEqualTo(ORDER_TOPIC);
    assertThat(inventory.calls(order)).isEqualTo(3); // error-handler.attempts=3
    assertThat(inboxRows(eventId.toString())).isZero();
    assertThat(reservations(order)).isZero();
  }

  @Test
  void aRecordWithoutMessageIdIsDeadLetteredAtOnce() throws Exception {
    String order = "order-" + UUID.randomUUID();
    try (KafkaProducer<byte[], byte[]> producer = producer()) {
      ProducerRecord<byte[], byte[]> record = new ProducerRecord<>(ORDER_TOPIC, order.getBytes(StandardCharsets.UTF_8),
          ("{\"orderId\":\"" + order + "\",\"sku\":\"sku-4\"}").getBytes(StandardCharsets.UTF_8));
      // a dead letter replayed by hand: its old dead-letter headers are replaced, not repeated
      record.headers().add(DeadLetterHeaders.REASON, "stale".getBytes(StandardCharsets.UTF_8));
      record.headers().add(DeadLetterHeaders.ATTEMPTS, "5".getBytes(StandardCharsets.UTF_8));
      producer.send(record).get();
    }
    ConsumerRecord<byte[], byte[]> deadLetter = deadLetterFor(order);
    assertThat(header(deadLetter, DeadLetterHeaders.REASON)).isEqualTo(DeadLetterHeaders.REASON_INVALID_MESSAGE);
    assertThat(header(deadLetter, DeadLetterHeaders.ERROR_CLASS))
        .isEqualTo("io.outboxkit.inbox.InvalidMessageException");
    assertThat(header(deadLetter, DeadLetterHeaders.ERROR_MESSAGE)).contains("has no message id");
    assertThat(header(deadLetter, DeadLetterHeaders.EVENT_ID)).isNull(); // the record has no id header
    assertThat(deadLetterHeaderNames(deadLetter)).doesNotHaveDuplicates().doesNotContain(DeadLetterHeaders.ATTEMPTS);
    assertThat(header(deadLetter, "kafka_dlt-exception-message")).contains("has no message id");
    assertThat(inventory.calls(order)).isZero();
    // each group dead-letters it (the batch listeners' too), and none calls its method with it
    List<String> groups = List.of("inventory", "billing", "receipts");
    List<ConsumerRecord<byte[], byte[]>> all = KAFKA.readRecordsUntil(DEAD_LETTER_TOPIC,
        records -> records.stream().filter(record -> order.equals(key(record)))
            .map(record -> header(record, "kafka_dlt-original-consumer-group")).toList().containsAll(groups), WAIT);
    assertThat(all.stream().filter(record -> order.equals(key(record)))
        .map(record -> header(record, "kafka_dlt-exception-message"))).allMatch(m -> m.contains("has no message id"));
    assertThat(billing.calls(order)).isZero();
  }

  @Test
  void theRelayReportsItsHealthAndMetrics() {
    await().atMost(WAIT).untilAsserted(() -> assertThat(relayHealth.health().getDetails())
        .containsEntry("state", "ACTIVE").containsKey("slotLagBytes"));
    assertThat(relayHealth.health().getStatus().getCode()).isEqualTo("UP");
    String order = "order-" + UUID.randomUUID();
    orders.placeOrder(order, "sku-5", false);
    await().atMost(WAIT).untilAsserted(() -> assertThat(
        meterRegistry.find("outboxkit.relay.events").tag("slot", "outboxkit").counter())
        .isNotNull().matches(counter -> counter.count() >= 1));
  }

  @Test
  void theRelayStopsAndStartsAgainWithTheContext() {
    await().atMost(WAIT).until(() -> relay.status().state() == RelayState.ACTIVE);
    String order = "order-" + UUID.randomUUID();
    UUID eventId;
    context.stop(); // every Lifecycle bean stops, as for a JVM checkpoint (CRaC)
    try {
      assertThat(relay.status().state()).isEqualTo(RelayState.STOPPED);
      assertThat(relayHealth.health().getStatus().getCode()).isNotEqualTo("UP");
      eventId = orders.placeOrder(order, "sku-10", false); // the writer works while the relay is stopped
    } finally {
      context.start(); // also when an assertion failed: the other tests share this context
    }
    await().atMost(WAIT).until(() -> relay.status().state() == RelayState.ACTIVE);
    assertThat(header(relayedRecord(eventId), "id")).isEqualTo(eventId.toString());
    await().atMost(WAIT).until(() -> reservations(order) == 1);
  }

  // ---- helpers -------------------------------------------------------------------------------------

  private int reservations(String order) {
    return jdbc.queryForObject("SELECT count(*) FROM reservations WHERE order_id = ?", Integer.class, order);
  }

  private int inboxRows(String messageId) {
    return inboxRows("inventory", messageId);
  }

  private int inboxRows(String consumer, String messageId) {
    return jdbc.queryForObject("SELECT count(*) FROM inbox_message WHERE consumer = ? AND message_id = ?",
        Integer.class, consumer, messageId);
  }

  private int invoices(String order) {
    return jdbc.queryForObject("SELECT count(*) FROM invoices WHERE order_id = ?", Integer.class, order);
  }

  private int receipts(String order) {
    return jdbc.queryForObject("SELECT count(*) FROM receipts WHERE order_id = ?", Integer.class, order);
  }

  private static String key(ConsumerRecord<byte[], byte[]> record) {
    return new String(record.key(), StandardCharsets.UTF_8);
  }

  private static ConsumerRecord<byte[], byte[]> relayedRecord(UUID eventId) {
    return KAFKA.readRecordsUntil(ORDER_TOPIC,
            all -> all.stream().anyMatch(record -> eventId.toString().equals(header(record, "id"))), WAIT).stream()
        .filter(record -> eventId.toString().equals(header(record, "id"))).findFirst().orElseThrow();
  }

  private static ConsumerRecord<byte[], byte[]> deadLetterFor(String order) {
    return KAFKA.readRecordsUntil(DEAD_LETTER_TOPIC,
            all -> all.stream().anyMatch(record -> order.equals(new String(record.key(), StandardCharsets.UTF_8))),
            WAIT).stream()
        .filter(record -> order.equals(new String(record.key(), StandardCharsets.UTF_8))).findFirst().orElseThrow();
  }

  private static void redeliver(ConsumerRecord<byte[], byte[]> record) throws Exception {
    try (KafkaProducer<byte[], byte[]> producer = producer()) {
      producer.send(new ProducerRecord<>(record.topic(), null, record.key(), record.value(), record.headers())).get();
    }
  }

  private static KafkaProducer<byte[], byte[]> producer() {
    var properties = KAFKA.producerProperties();
    properties.put("key.serializer", ByteArraySerializer.class.getName());
    properties.put("value.serializer", ByteArraySerializer.class.getName());
    return new KafkaProducer<>(properties);
  }

  /** The names of the record's dead-letter headers, in order, repeated ones as often as they occur. */
  static List<String> deadLetterHeaderNames(ConsumerRecord<byte[], byte[]> record) {
    return TestKafka.headerNames(record, DeadLetterHeaders.PREFIX);
  }

  private static String header(ConsumerRecord<byte[], byte[]> record, String name) {
    Header header = record.headers().lastHeader(name);
    return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
  }

  // ---- the application -----------------------------------------------------------------------------

  @SpringBootConfiguration
  @EnableAutoConfiguration
  @Import({OrderService.class, InventoryListener.class, BillingListener.class, ReceiptListener.class})
  static class ShopApplication {
  }

  /** Saves an order and publishes OrderPlaced in the same transaction. */
  static class OrderService {

    private final JdbcTemplate jdbc;
    private final OutboxWriter outbox;

    OrderService(JdbcTemplate jdbc, OutboxWriter outbox) {
      this.jdbc = jdbc;
      this.outbox = outbox;
    }

    @Transactional
    public UUID placeOrder(String orderId, String sku, boolean failAfterPublishing) {
      jdbc.update("INSERT INTO orders (id, sku) VALUES (?, ?)", orderId, sku);
      UUID eventId = outbox.publish("order", orderId, "OrderPlaced", Map.of("orderId", orderId, "sku", sku));
      if (failAfterPublishing) {
        throw new IllegalStateException("payment declined");
      }
      return eventId;
    }

    @Transactional
    public void placeOrders(List<String> orderIds, List<String> skus) {
      for (int i = 0; i < orderIds.size(); i++) {
        placeOrder(orderIds.get(i), skus.get(i), false);
      }
    }
  }

  /** Reserves stock for each placed order, once. */
  static class InventoryListener {

    static final String OUT_OF_STOCK = "sku-out-of-stock";

    private final JdbcTemplate jdbc;
    private final Map<String, Integer> calls = new ConcurrentHashMap<>();

    InventoryListener(JdbcTemplate jdbc) {
      this.jdbc = jdbc;
    }

    @KafkaListener(topics = "${shop.order-topic}", groupId = "inventory")
    @IdempotentListener
    public void on(ConsumerRecord<String, String> record) throws IOException {
      JsonNode order = JSON.readTree(record.value());
      String orderId = order.get("orderId").asText();
      calls.merge(orderId, 1, Integer::sum);
      jdbc.update("INSERT INTO reservations (order_id, sku) VALUES (?, ?)", orderId, order.get("sku").asText());
      if (OUT_OF_STOCK.equals(order.get("sku").asText())) {
        throw new IllegalStateException("sku out of stock"); // after the insert: the rollback must undo it
      }
    }

    public int calls(String orderId) {
      return calls.getOrDefault(orderId, 0);
    }
  }

  /** Bills each placed order, once, with a batch listener. */
  static class BillingListener {

    static final String UNBILLABLE = "sku-unbillable";

    private final JdbcTemplate jdbc;
    private final Map<String, Integer> calls = new ConcurrentHashMap<>();

    BillingListener(JdbcTemplate jdbc) {
      this.jdbc = jdbc;
    }

    @KafkaListener(topics = "${shop.order-topic}", groupId = "billing", batch = "true")
    @IdempotentListener
    public void on(List<ConsumerRecord<String, String>> records) throws IOException {
      for (ConsumerRecord<String, String> record : records) {
        JsonNode order = JSON.readTree(record.value());
        String orderId = order.get("orderId").asText();
        calls.merge(orderId, 1, Integer::sum);
        jdbc.update("INSERT INTO invoices (order_id) VALUES (?)", orderId);
        if (UNBILLABLE.equals(order.get("sku").asText())) {
          throw new IllegalStateException("cannot bill " + orderId); // after the insert: the rollback undoes it
        }
      }
    }

    public int calls(String orderId) {
      return calls.getOrDefault(orderId, 0);
    }
  }

  /** Writes a receipt for each placed order, once, with a {@code @Transactional} batch listener. */
  static class ReceiptListener {

    static final String NO_RECEIPT = "sku-no-receipt";

    private final JdbcTemplate jdbc;

    ReceiptListener(JdbcTemplate jdbc) {
      this.jdbc = jdbc;
    }

    @KafkaListener(topics = "${shop.order-topic}", groupId = "receipts", batch = "true")
    @IdempotentListener
    @Transactional
    public void on(List<ConsumerRecord<String, String>> records) throws IOException {
      for (ConsumerRecord<String, String> record : records) {
        JsonNode order = JSON.readTree(record.value());
        jdbc.update("INSERT INTO receipts (order_id) VALUES (?)", order.get("orderId").asText());
        if (NO_RECEIPT.equals(order.get("sku").asText())) {
          throw new IllegalStateException("no receipt for " + order.get("orderId").asText());
        }
      }
    }
  }
}
