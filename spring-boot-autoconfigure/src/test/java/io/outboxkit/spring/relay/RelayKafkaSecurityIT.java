package io.outboxkit.spring.relay;

import static org.assertj.core.api.Assertions.assertThat;

import io.outboxkit.test.KafkaServer;
import io.outboxkit.test.OutboxTestInfrastructure;
import io.outboxkit.test.TestDatabase;
import io.outboxkit.test.TestKafka;
import io.outboxkit.writer.OutboxWriter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The relay embedded in a Spring Boot application whose Kafka needs a login: it takes the brokers and the
 * security settings from {@code spring.kafka.*} ({@code security.protocol} and the {@code sasl.*} properties),
 * as the application's own producers do, and publishes through the broker's SASL PLAIN listener.
 */
@ExtendWith(RelayKafkaSecurityIT.DropDatabaseLast.class) // declared first: runs after the context closed
@SpringBootTest(classes = RelayKafkaSecurityIT.Application.class, properties = {
    "outbox.writer.initialize-schema=true",
    "outbox.inbox.enabled=false",
    "outbox.relay.enabled=true",
    "spring.kafka.security.protocol=SASL_PLAINTEXT",
    "spring.kafka.properties[sasl.mechanism]=PLAIN"})
@DirtiesContext
class RelayKafkaSecurityIT {

  private static final Duration WAIT = Duration.ofSeconds(120);

  // the embedded servers, whatever the provider: only the embedded broker has a SASL PLAIN listener
  static final TestDatabase DATABASE = OutboxTestInfrastructure.embedded().newDatabase("relay_sasl");
  static final TestKafka KAFKA = OutboxTestInfrastructure.embedded().kafka("relay-sasl");
  static final String TOPIC_PREFIX = KAFKA.newTopic("events") + ".";

  @BeforeAll
  static void needsASaslListener() {
    assertThat(KAFKA.sasl()).as("a broker listener with SASL PLAIN (the embedded broker has one)").isNotNull();
  }

  @DynamicPropertySource
  static void infrastructure(DynamicPropertyRegistry registry) {
    KafkaServer.SaslListener sasl = KAFKA.sasl();
    KAFKA.createTopic(TOPIC_PREFIX + "order", 1);
    registry.add("spring.datasource.url", DATABASE::jdbcUrl);
    registry.add("spring.datasource.username", DATABASE::username);
    registry.add("spring.datasource.password", DATABASE::password);
    registry.add("spring.kafka.bootstrap-servers", sasl::bootstrapServers);
    registry.add("spring.kafka.properties[sasl.jaas.config]", sasl::jaasConfig);
    registry.add("outbox.relay.topic-prefix", () -> TOPIC_PREFIX);
  }

  /** Drops the test database once the application (and with it the relay holding the slot) has stopped. */
  static final class DropDatabaseLast implements AfterAllCallback {

    @Override
    public void afterAll(ExtensionContext context) {
      DATABASE.close();
    }
  }

  @Autowired OutboxWriter outbox;
  @Autowired TransactionTemplate transactions;

  @Test
  void theRelayLogsInWithTheApplicationsKafkaSecuritySettings() {
    UUID eventId = transactions.execute(status ->
        outbox.publish("order", "order-1", "OrderPlaced", Map.of("orderId", "order-1")));

    List<ConsumerRecord<byte[], byte[]>> records = KAFKA.readRecordsUntil(TOPIC_PREFIX + "order",
        all -> all.stream().anyMatch(record -> eventId.toString().equals(header(record, "id"))), WAIT);
    assertThat(records).extracting(record -> new String(record.key(), StandardCharsets.UTF_8))
        .containsExactly("order-1");
  }

  private static String header(ConsumerRecord<byte[], byte[]> record, String name) {
    Header header = record.headers().lastHeader(name);
    return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
  }

  @SpringBootConfiguration
  @EnableAutoConfiguration
  static class Application {
  }
}
