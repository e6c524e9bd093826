package io.outboxkit.spring.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.outboxkit.test.OutboxTestInfrastructure;
import io.outboxkit.test.TestDatabase;
import io.outboxkit.test.TestKafka;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.kafka.config.ContainerCustomizer;
import org.springframework.kafka.listener.ConcurrentMessageListenerContainer;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * {@link IdempotentListener @IdempotentListener}s whose listener container runs each poll in a transaction of
 * the application's DataSource (a {@link ContainerCustomizer} sets the container's transaction manager), so the
 * inbox works in a savepoint of that transaction instead of a transaction of its own. Spring Kafka runs the
 * error handler inside the container's transaction and rolls it back when a failure is reported, so a batch
 * that fails is dead-lettered whole. What a user checks: every record is either applied exactly once or
 * dead-lettered, none is lost, and a record that always fails does not stop its partition.
 *
 * <p>The records are published before the application starts, so that each listener receives its topic's
 * records in one poll, as one batch.
 */
@ExtendWith(ContainerTransactionBatchIT.DropDatabaseLast.class) // declared first: runs after the context closed
@SpringBootTest(classes = ContainerTransactionBatchIT.BillingApplication.class, properties = {
    "outbox.relay.enabled=false",
    "outbox.writer.enabled=false", // publishes nothing: no outbox table
    "outbox.inbox.initialize-schema=true",
    "outbox.inbox.listener.error-handler.attempts=3",
    "outbox.inbox.listener.error-handler.backoff.delay=200ms",
    "outbox.inbox.listener.error-handler.backoff.max-delay=400ms",
    "spring.kafka.consumer.auto-offset-reset=earliest"})
@DirtiesContext
class ContainerTransactionBatchIT {

  private static final Duration WAIT = Duration.ofSeconds(120);

  static final TestDatabase DATABASE = OutboxTestInfrastructure.shared().newDatabase("container_tx");
  static final TestKafka KAFKA = OutboxTestInfrastructure.shared().kafka("container-tx");
  static final String FAILING_TOPIC = KAFKA.newTopic("orders-failing");
  static final String NO_ID_TOPIC = KAFKA.newTopic("orders-no-id");
  static final String RECORD_TOPIC = KAFKA.newTopic("orders-record");

  static final String BEFORE_FAILING = "order-" + UUID.randomUUID();
  static final String FAILING = "order-" + UUID.randomUUID();
  static final String AFTER_FAILING = "order-" + UUID.randomUUID();
  static final String BEFORE_NO_ID = "order-" + UUID.randomUUID();
  static final String NO_ID = "order-" + UUID.randomUUID();
  static final String AFTER_NO_ID = "order-" + UUID.randomUUID();
  static final String BEFORE_RECORD = "order-" + UUID.randomUUID();
  static final String FAILING_RECORD = "order-" + UUID.randomUUID();
  static final String AFTER_RECORD = "order-" + UUID.randomUUID();

  @DynamicPropertySource
  static void infrastructure(DynamicPropertyRegistry registry) throws Exception {
    try (Connection connection = DATABASE.openConnection(); Statement statement = connection.createStatement()) {
      // no unique key: a second invoice for an order would show as a second row
      statement.execute("CREATE TABLE invoices (order_id varchar(64) NOT NULL)");
    }
    KAFKA.createTopic(FAILING_TOPIC, 1);
    KAFKA.createTopic(NO_ID_TOPIC, 1);
    KAFKA.createTopic(FAILING_TOPIC + ".dlq", 1);
    KAFKA.createTopic(NO_ID_TOPIC + ".dlq", 1);
    KAFKA.createTopic(RECORD_TOPIC, 1);
    KAFKA.createTopic(RECORD_TOPIC + ".dlq", 1);
    publish(FAILING_TOPIC, BEFORE_FAILING, true);
    publish(FAILING_TOPIC, FAILING, true);
    publish(FAILING_TOPIC, AFTER_FAILING, true);
    publish(NO_ID_TOPIC, BEFORE_NO_ID, true);
    publish(NO_ID_TOPIC, NO_ID, false);
    publish(NO_ID_TOPIC, AFTER_NO_ID, true);
    publish(RECORD_TOPIC, BEFORE_RECORD, true);
    publish(RECORD_TOPIC, FAILING_RECORD, true);
    publish(RECORD_TOPIC, AFTER_RECORD, true);
    registry.add("spring.datasource.url", DATABASE::jdbcUrl);
    registry.add("spring.datasource.username", DATABASE::username);
    registry.add("spring.datasource.password", DATABASE::password);
    registry.add("spring.kafka.bootstrap-servers", KAFKA::bootstrapServers);
    registry.add("billing.failing-topic", () -> FAILING_TOPIC);
    registry.add("billing.no-id-topic", () -> NO_ID_TOPIC);
    registry.add("billing.record-topic", () -> RECORD_TOPIC);
  }

  /** Drops the test database once the application has stopped. */
  static final class DropDatabaseLast implements AfterAllCallback {

    @Override
    public void afterAll(ExtensionContext context) {
      DATABASE.close();
    }
  }

  @Autowired BillingListener billing;
  @Autowired JdbcTemplate jdbc;

  @Test
  void aBatchWithARecordThatAlwaysFailsIsRetriedThenDeadLetteredWholeWithNothingApplied() throws Exception {
    List<ConsumerRecord<byte[], byte[]>> deadLetters =
        deadLetters(FAILING_TOPIC, BEFORE_FAILING, FAILING, AFTER_FAILING);
    assertThat(deadLetters).extracting(ContainerTransactionBatchIT::key)
        .containsExactlyInAnyOrder(BEFORE_FAILING, FAILING, AFTER_FAILING); // each once: no redelivery loop
    assertThat(deadLetters).allSatisfy(
        deadLetter -> assertThat(header(deadLetter, "kafka_dlt-exception-message")).contains("cannot bill " + FAILING));
    assertThat(billing.calls(FAILING)).isGreaterThanOrEqualTo(3); // error-handler.attempts=3
    // every attempt was rolled back to its savepoint: nothing of the batch stayed applied
    assertThat(invoices(BEFORE_FAILING)).isZero();
    assertThat(invoices(FAILING)).isZero();
    assertThat(invoices(AFTER_FAILING)).isZero();
    assertThat(inboxRows("billing-failing")).isEqualTo(1); // the record published after them
  }

  @Test
  void aBatchWithARecordWithoutMessageIdIsDeadLetteredWholeWithNothingApplied() throws Exception {
    List<ConsumerRecord<byte[], byte[]>> deadLetters = deadLetters(NO_ID_TOPIC, BEFORE_NO_ID, NO_ID, AFTER_NO_ID);
    assertThat(deadLetters).extracting(ContainerTransactionBatchIT::key)
        .containsExactlyInAnyOrder(BEFORE_NO_ID, NO_ID, AFTER_NO_ID);
    assertThat(deadLetters).allSatisfy(
        deadLetter -> assertThat(header(deadLetter, "kafka_dlt-exception-message")).contains("no message id"));
    // the records before it were not applied in the container's transaction, which the error handler's failure
    // report rolls back after committing their offsets
    assertThat(invoices(BEFORE_NO_ID)).isZero();
    assertThat(billing.calls(BEFORE_NO_ID)).isZero();
    assertThat(inboxRows("billing-no-id")).isEqualTo(1); // the record published after them
  }

  @Test
  void aRecordListenerRecordThatAlwaysFailsIsDeadLetteredOnceAndTheOthersAreAppliedOnce() throws Exception {
    await().atMost(WAIT).until(() -> invoices(BEFORE_RECORD) == 1 && invoices(AFTER_RECORD) == 1);
    List<ConsumerRecord<byte[], byte[]>> deadLetters = deadLetters(RECORD_TOPIC, FAILING_RECORD);
    assertThat(deadLetters).extracting(ContainerTransactionBatchIT::key).containsExactly(FAILING_RECORD);
    assertThat(header(deadLetters.get(0), "kafka_dlt-exception-message")).contains("cannot bill " + FAILING_RECORD);
    assertThat(billing.calls(FAILING_RECORD)).isGreaterThanOrEqualTo(3);
    assertThat(invoices(FAILING_RECORD)).isZero();
    assertThat(invoices(BEFORE_RECORD)).isEqualTo(1);
    assertThat(invoices(AFTER_RECORD)).isEqualTo(1);
    assertThat(inboxRows("billing-record")).isEqualTo(3); // and the record published after them
  }

  // ---- helpers -------------------------------------------------------------------------------------

  private int invoices(String order) {
    return jdbc.queryForObject("SELECT count(*) FROM invoices WHERE order_id = ?", Integer.class, order);
  }

  private int inboxRows(String consumer) {
    return jdbc.queryForObject("SELECT count(*) FROM inbox_message WHERE consumer = ?", Integer.class, consumer);
  }

  private static void publish(String topic, String order, boolean withId) throws Exception {
    var properties = KAFKA.producerProperties();
    properties.put("key.serializer", StringSerializer.class.getName());
    properties.put("value.serializer", StringSerializer.class.getName());
    try (KafkaProducer<String, String> producer = new KafkaProducer<>(properties)) {
      ProducerRecord<String, String> record = new ProducerRecord<>(topic, order, "{\"orderId\":\"" + order + "\"}");
      if (withId) {
        record.headers().add("id", UUID.randomUUID().toString().getBytes(StandardCharsets.UTF_8));
      }
      producer.send(record).get();
    }
  }

  /**
   * The dead-letter topic's records once one for each of {@code orders} arrived and a record published after
   * that was applied: by then the partition went past the records that failed, and a second copy of one of them
   * would be among the records returned.
   */
  private List<ConsumerRecord<byte[], byte[]>> deadLetters(String topic, String... orders) throws Exception {
    KAFKA.readRecordsUntil(topic + ".dlq",
        all -> all.stream().map(ContainerTransactionBatchIT::key).toList().containsAll(List.of(orders)), WAIT);
    String later = "order-" + UUID.randomUUID();
    publish(topic, later, true);
    await().atMost(WAIT).until(() -> invoices(later) == 1);
    long end = endOffset(topic + ".dlq");
    return KAFKA.readRecordsUntil(topic + ".dlq", all -> all.size() >= end, WAIT); // every record on it
  }

  private static long endOffset(String topic) throws Exception {
    TopicPartition partition = new TopicPartition(topic, 0); // created with one partition
    try (Admin admin = Admin.create(KAFKA.adminProperties())) {
      return admin.listOffsets(Map.of(partition, OffsetSpec.latest())).partitionResult(partition).get().offset();
    }
  }

  private static String key(ConsumerRecord<byte[], byte[]> record) {
    return new String(record.key(), StandardCharsets.UTF_8);
  }

  private static String header(ConsumerRecord<byte[], byte[]> record, String name) {
    Header header = record.headers().lastHeader(name);
    return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
  }

  // ---- the application -----------------------------------------------------------------------------

  @SpringBootConfiguration
  @EnableAutoConfiguration
  @Import(BillingListener.class)
  static class BillingApplication {

    /** Each poll runs in a transaction of the application's DataSource, started by the container. */
    @Bean
    ContainerCustomizer<Object, Object, ConcurrentMessageListenerContainer<Object, Object>> transactionalContainers(
        DataSourceTransactionManager transactionManager) {
      return container -> container.getContainerProperties().setTransactionManager(transactionManager);
    }
  }

  /** Bills each order once; the orders {@link #FAILING} and {@link #FAILING_RECORD} can never be billed. */
  static class BillingListener {

    private final JdbcTemplate jdbc;
    private final Map<String, Integer> calls = new ConcurrentHashMap<>();

    BillingListener(JdbcTemplate jdbc) {
      this.jdbc = jdbc;
    }

    @KafkaListener(topics = "${billing.failing-topic}", groupId = "billing-failing", batch = "true")
    @IdempotentListener
    public void onFailingTopic(List<ConsumerRecord<String, String>> records) {
      bill(records);
    }

    @KafkaListener(topics = "${billing.no-id-topic}", groupId = "billing-no-id", batch = "true")
    @IdempotentListener
    public void onNoIdTopic(List<ConsumerRecord<String, String>> records) {
      bill(records);
    }

    @KafkaListener(topics = "${billing.record-topic}", groupId = "billing-record")
    @IdempotentListener
    public void onRecordTopic(ConsumerRecord<String, String> record) {
      bill(List.of(record));
    }

    private void bill(List<ConsumerRecord<String, String>> records) {
      for (ConsumerRecord<String, String> record : records) {
        String order = record.key();
        calls.merge(order, 1, Integer::sum);
        jdbc.update("INSERT INTO invoices (order_id) VALUES (?)", order);
        if (FAILING.equals(order) || FAILING_RECORD.equals(order)) {
          throw new IllegalStateException("cannot bill " + order); // after the insert: the rollback undoes it
        }
      }
    }

    int calls(String order) {
      return calls.getOrDefault(order, 0);
    }
  }
}
