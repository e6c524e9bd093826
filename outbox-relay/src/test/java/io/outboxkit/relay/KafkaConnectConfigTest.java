package io.outboxkit.relay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.outboxkit.core.OutboxConfigurationException;
import io.outboxkit.core.WriteMode;
import java.io.StringReader;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;

class KafkaConnectConfigTest {

  private static OutboxRelay.Builder relay() {
    return OutboxRelay.builder().database("db.example", 5432, "orders").username("relay").password("s3cret-pw")
        .bootstrapServers("k:9092").replicationSlot("orders_slot").publication("orders_pub").schema("shop")
        .table("order_events").topicPrefix("shop.").heartbeatInterval(Duration.ofSeconds(5));
  }

  @Test
  void theConnectorReadsTheRelaysTableSlotAndPublicationAndRoutesToTheRelaysTopics() {
    Map<String, String> config = KafkaConnectConfig.of(relay(), KafkaConnectConfig.DEFAULT_PASSWORD_REFERENCE).config();

    assertThat(config)
        .containsEntry("connector.class", "io.debezium.connector.postgresql.PostgresConnector")
        .containsEntry("database.hostname", "db.example")
        .containsEntry("database.dbname", "orders")
        .containsEntry("database.user", "relay")
        .containsEntry("database.password", "${env:OUTBOX_RELAY_PASSWORD}")
        .containsEntry("slot.name", "orders_slot")
        .containsEntry("publication.name", "orders_pub")
        .containsEntry("publication.autocreate.mode", "disabled")
        .containsEntry("table.include.list", "shop\\.order_events,shop\\.outboxkit_relay_heartbeat")
        .containsEntry("snapshot.mode", "no_data")
        .containsEntry("heartbeat.interval.ms", "5000")
        .containsEntry("transforms.outbox.type", "io.debezium.transforms.outbox.EventRouter")
        .containsEntry("transforms.outbox.route.topic.replacement", "shop.${routedByValue}")
        .containsEntry("transforms.outbox.table.fields.additional.placement", "type:header:eventType")
        .containsEntry("predicates.isOutbox.pattern", "outboxkit\\.orders_slot\\.shop\\.order_events")
        .containsEntry("max.batch.size", Integer.toString(EngineProperties.MAX_BATCH_SIZE));
    assertThat(config.get("heartbeat.action.query"))
        .startsWith("WITH beat AS (INSERT INTO \"shop\".\"outboxkit_relay_heartbeat\" (slot_name) VALUES ('orders_slot')");
    assertThat(config.get("predicates.isHeartbeat.pattern"))
        .isEqualTo("outboxkit\\.orders_slot\\.shop\\.outboxkit_relay_heartbeat|__debezium-heartbeat\\..*");
  }

  @Test
  void thePasswordIsNeverWrittenOnlyItsReference() {
    KafkaConnectConfig connector = KafkaConnectConfig.of(relay(), "${file:/opt/kafka/secrets/db.properties:password}");
    assertThat(connector.config()).containsEntry("database.password",
        "${file:/opt/kafka/secrets/db.properties:password}");
    assertThat(connector.toJson()).doesNotContain("s3cret-pw");
    assertThat(connector.toProperties()).doesNotContain("s3cret-pw");

    assertThatThrownBy(() -> KafkaConnectConfig.of(relay(), "s3cret-pw"))
        .isInstanceOf(OutboxConfigurationException.class)
        .hasMessageContaining("config-provider reference").hasMessageNotContaining("s3cret-pw'x");
    assertThatThrownBy(() -> KafkaConnectConfig.of(relay().jdbcUrl("jdbc:postgresql://db/orders?sslpassword=x"),
        KafkaConnectConfig.DEFAULT_PASSWORD_REFERENCE))
        .isInstanceOf(OutboxConfigurationException.class).hasMessageContaining("sslpassword");
  }

  @Test
  void walMessageModeIsRefusedWithTheReason() {
    assertThatThrownBy(() -> KafkaConnectConfig.of(relay().mode(WriteMode.WAL_MESSAGE),
        KafkaConnectConfig.DEFAULT_PASSWORD_REFERENCE))
        .isInstanceOf(OutboxConfigurationException.class)
        .hasMessageContaining("Event Router").hasMessageContaining("table mode");
  }

  @Test
  void theJsonAndThePropertiesReadBackAsTheSameSettings() throws Exception {
    KafkaConnectConfig connector = KafkaConnectConfig.of(relay(), KafkaConnectConfig.DEFAULT_PASSWORD_REFERENCE);

    JsonNode json = new ObjectMapper().readTree(connector.toJson());
    assertThat(json.get("name").asText()).isEqualTo("outboxkit-orders_slot").isEqualTo(connector.name());
    Map<String, String> fromJson = new LinkedHashMap<>();
    json.get("config").fields().forEachRemaining(field -> fromJson.put(field.getKey(), field.getValue().asText()));
    assertThat(fromJson).isEqualTo(connector.config());

    Properties properties = new Properties();
    properties.load(new StringReader(connector.toProperties()));
    Map<String, String> fromProperties = new LinkedHashMap<>();
    properties.stringPropertyNames().forEach(name -> fromProperties.put(name, properties.getProperty(name)));
    Map<String, String> expected = new LinkedHashMap<>(connector.config());
    expected.put("name", connector.name());
    assertThat(fromProperties).isEqualTo(expected);
  }

  @Test
  void anIncompleteRelayIsRefusedAsTheRelayWouldBe() {
    assertThatThrownBy(() -> KafkaConnectConfig.of(OutboxRelay.builder().username("relay"),
        KafkaConnectConfig.DEFAULT_PASSWORD_REFERENCE))
        .isInstanceOf(OutboxConfigurationException.class).hasMessageContaining("the database is not set");
  }
}
