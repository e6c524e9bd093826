package io.outboxkit.relay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.outboxkit.core.OutboxConfigurationException;
import io.outboxkit.core.WriteMode;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class OutboxRelayBuilderTest {

  private static OutboxRelay.Builder valid() {
    return OutboxRelay.builder().jdbcUrl("jdbc:postgresql://db.example:6543/orders?sslmode=require")
        .username("relay").password("secret").bootstrapServers("kafka:9092");
  }

  @Test
  void defaultsAreTheAgreedNames() {
    RelaySettings settings = RelaySettings.from(valid());
    assertThat(settings.replicationSlot()).isEqualTo("outboxkit");
    assertThat(settings.publication()).isEqualTo("outboxkit");
    assertThat(settings.topicPrefix()).isEqualTo("outbox.event.");
    assertThat(settings.deadLetterTopic()).isEqualTo("outboxkit.relay.dlq");
    assertThat(settings.outboxTable().plain()).isEqualTo("public.outbox_event");
    assertThat(settings.relaySchema().name()).isEqualTo("public");
    assertThat(settings.heartbeatInterval()).isEqualTo(Duration.ofSeconds(10));
    assertThat(settings.highAvailability()).isTrue();
    assertThat(settings.host()).isEqualTo("db.example");
    assertThat(settings.port()).isEqualTo(6543);
    assertThat(settings.database()).isEqualTo("orders");
    assertThat(settings.jdbcUrl()).isEqualTo("jdbc:postgresql://db.example:6543/orders?sslmode=require");
  }

  @Test
  void aDatabaseNameThatDebeziumWouldReadAsUrlSyntaxIsRefused() {
    assertThatThrownBy(() -> OutboxRelay.builder().database("db", 5432, "orders?ApplicationName=x"))
        .isInstanceOf(OutboxConfigurationException.class)
        .hasMessageContaining("database(host, port, name): database name 'orders?ApplicationName=x' contains '?'")
        .hasMessageContaining("rename it");
    // encoded in a URL, the name decodes to the same characters
    assertThatThrownBy(() -> OutboxRelay.builder().jdbcUrl("jdbc:postgresql://db/orders%26x"))
        .isInstanceOf(OutboxConfigurationException.class).hasMessageContaining("'orders&x' contains '&'");
    assertThat(RelaySettings.from(valid().database("db", 5432, "Orders-2024 EU.v2")).database())
        .isEqualTo("Orders-2024 EU.v2");
  }

  @Test
  void theDefaultDeadLetterTopicIsNoAggregateTypesTopic() {
    RelaySettings defaults = RelaySettings.from(valid());
    assertThat(defaults.deadLetterTopic()).doesNotStartWith(defaults.topicPrefix());
    assertThat(defaults.aggregateTypeOfDeadLetterTopic()).isNull();
    RelaySettings otherPrefix = RelaySettings.from(valid().topicPrefix("events."));
    assertThat(otherPrefix.deadLetterTopic()).isEqualTo(OutboxRelay.Builder.DEFAULT_DEAD_LETTER_TOPIC);
    assertThat(otherPrefix.aggregateTypeOfDeadLetterTopic()).isNull();
    assertThat(RelaySettings.from(valid().deadLetterTopic("broken")).deadLetterTopic()).isEqualTo("broken");
  }

  @Test
  void aDeadLetterTopicInsideThePrefixNamesTheAggregateTypeThatWouldHaveIt() {
    assertThat(RelaySettings.from(valid().deadLetterTopic("outbox.event.dlq")).aggregateTypeOfDeadLetterTopic())
        .isEqualTo("dlq");
    assertThat(RelaySettings.from(valid().topicPrefix("").deadLetterTopic("failed")).aggregateTypeOfDeadLetterTopic())
        .isEqualTo("failed");
    assertThat(RelaySettings.from(valid().deadLetterTopic("outbox.event.")).aggregateTypeOfDeadLetterTopic())
        .isNull(); // the prefix alone: no aggregate type is empty
  }

  @Test
  void walMessageModeReadsNoTable() {
    RelaySettings settings = RelaySettings.from(valid().mode(WriteMode.WAL_MESSAGE));
    assertThat(settings.walMessageMode()).isTrue();
    assertThat(settings.outboxTable()).isNull();
    assertThat(settings.walMessagePrefix()).isEqualTo("outboxkit");
    Properties engine = EngineProperties.of(settings);
    assertThat(engine.getProperty("table.include.list")).isEqualTo("public\\.outboxkit_relay_heartbeat");
    assertThat(engine.getProperty("message.prefix.include.list")).isEqualTo("\\Qoutboxkit\\E");
  }

  @Test
  void theModeDecidesWhatIsRead() {
    RelaySettings deleting = RelaySettings.from(valid().mode(WriteMode.TABLE_DELETE_AFTER_INSERT)
        .schema("sales").table("events").walMessagePrefix("ignored"));
    assertThat(deleting.walMessageMode()).isFalse();
    assertThat(deleting.outboxTable().plain()).isEqualTo("sales.events");
    assertThat(deleting.walMessagePrefix()).isNull();
    assertThat(deleting.relaySchema().name()).isEqualTo("sales");

    RelaySettings wal = RelaySettings.from(valid().schema("sales").table("events")
        .walMessagePrefix("shop.orders-v1").mode(WriteMode.WAL_MESSAGE));
    assertThat(wal.outboxTable()).isNull();
    assertThat(wal.walMessagePrefix()).isEqualTo("shop.orders-v1");
    assertThat(wal.relaySchema().name()).as("no outbox table to take the schema from").isEqualTo("public");
    assertThat(EngineProperties.of(wal).getProperty("message.prefix.include.list")).isEqualTo("\\Qshop.orders-v1\\E");
  }

  @Test
  void engineGetsTheTunedDefaults() {
    RelaySettings settings = RelaySettings.from(valid().schema("sales").table("events"));
    Properties engine = EngineProperties.of(settings);
    assertThat(engine.getProperty("plugin.name")).isEqualTo("pgoutput");
    assertThat(engine.getProperty("snapshot.mode")).isEqualTo("no_data");
    assertThat(engine.getProperty("publication.autocreate.mode")).isEqualTo("disabled");
    assertThat(engine.getProperty("table.include.list"))
        .isEqualTo("sales\\.events,sales\\.outboxkit_relay_heartbeat");
    assertThat(engine.getProperty("extended.headers.enabled")).isEqualTo("false");
    assertThat(engine.getProperty("max.batch.size")).isEqualTo("2048");
    assertThat(engine.getProperty("max.queue.size")).isEqualTo("4096");
    assertThat(engine.getProperty("max.queue.size.in.bytes")).isEqualTo(Long.toString(32L * 1024 * 1024));
    assertThat(engine.getProperty("poll.interval.ms")).isEqualTo("5");
    assertThat(engine.getProperty("heartbeat.interval.ms")).isEqualTo("10000");
    assertThat(engine.getProperty("heartbeat.action.query")).as("the relay writes the heartbeat rows itself").isNull();
    assertThat(engine.getProperty("database.sslmode")).isEqualTo("require");
  }

  @Test
  void userPropertiesGoOverTheDefaults() {
    RelaySettings settings = RelaySettings.from(valid()
        .debeziumProperty("max.batch.size", "1000")
        .producerProperty("linger.ms", 20)
        .producerProperty("compression.type", "zstd"));
    assertThat(EngineProperties.of(settings).getProperty("max.batch.size"))
        .isEqualTo("1000");
    Map<String, Object> producer = KafkaPublisher.producerConfig(settings);
    assertThat(producer).containsEntry("linger.ms", 20).containsEntry("compression.type", "zstd")
        .containsEntry("acks", "all").containsEntry("enable.idempotence", "true")
        .containsEntry("batch.size", "262144").containsEntry("bootstrap.servers", "kafka:9092")
        .containsEntry("client.id", "outboxkit-relay-outboxkit");
  }

  @Test
  void producerDefaultsArePublishedInOrderAndCannotBeChanged() {
    assertThat(OutboxRelay.DEFAULT_PRODUCER_PROPERTIES).containsExactly(
        Map.entry("acks", "all"), Map.entry("enable.idempotence", "true"), Map.entry("linger.ms", "5"),
        Map.entry("batch.size", "262144"), Map.entry("compression.type", "lz4"), Map.entry("max.block.ms", "10000"));
    assertThatThrownBy(() -> OutboxRelay.DEFAULT_PRODUCER_PROPERTIES.put("acks", "1"))
        .isInstanceOf(UnsupportedOperationException.class);
    RelaySettings settings = RelaySettings.from(valid());
    assertThat(KafkaPublisher.producerConfig(settings)).containsAllEntriesOf(OutboxRelay.DEFAULT_PRODUCER_PROPERTIES);
  }

  @Test
  void invalidSettingsAreRefusedWithTheirName() {
    assertThatThrownBy(() -> valid().replicationSlot("Outbox-Kit")).isInstanceOf(OutboxConfigurationException.class)
        .hasMessageContaining("replicationSlot");
    assertThatThrownBy(() -> valid().publication("pub; DROP TABLE x"))
        .hasMessageContaining("publication");
    assertThatThrownBy(() -> valid().table("outbox\"; --"))
        .isInstanceOf(OutboxConfigurationException.class).hasMessageContaining("table");
    assertThatThrownBy(() -> valid().schema("my schema"))
        .isInstanceOf(OutboxConfigurationException.class).hasMessageContaining("schema");
    assertThatThrownBy(() -> valid().mode(null))
        .isInstanceOf(OutboxConfigurationException.class).hasMessageContaining("mode");
    assertThatThrownBy(() -> valid().relaySchema("my schema")).hasMessageContaining("relaySchema");
    assertThatThrownBy(() -> valid().topicPrefix("bad topic")).hasMessageContaining("topicPrefix");
    assertThatThrownBy(() -> valid().walMessagePrefix("no spaces")).hasMessageContaining("walMessagePrefix");
    assertThatThrownBy(() -> valid().producerProperty("acks", "1")).hasMessageContaining("acks=1");
    assertThatThrownBy(() -> valid().producerProperty("enable.idempotence", false))
        .hasMessageContaining("enable.idempotence");
    assertThatThrownBy(() -> valid().producerProperty("value.serializer", "x")).hasMessageContaining("value.serializer");
    assertThatThrownBy(() -> valid().debeziumProperty("slot.name", "x")).hasMessageContaining("slot.name");
    assertThatThrownBy(() -> valid().heartbeatInterval(Duration.ofMillis(-1))).hasMessageContaining("heartbeatInterval");
    assertThatThrownBy(() -> valid().jdbcUrl("jdbc:mysql://x/y")).hasMessageContaining("jdbcUrl");
    assertThatThrownBy(() -> valid().jdbcUrl("jdbc:postgresql://a,b/db")).hasMessageContaining("several hosts");
    assertThatThrownBy(() -> valid().meterRegistry("not a registry")).hasMessageContaining("meterRegistry");
  }

  @Test
  void theDebeziumSettingsThatDefineWhatIsReadAndWhereThePositionIsKeptAreTheRelaysOwn() {
    for (String owned : List.of("name", "connector.class", "offset.storage", "offset.storage.file.filename",
        "plugin.name", "slot.name", "publication.name", "database.hostname", "database.port", "database.dbname",
        "database.user", "database.password", "table.include.list", "topic.prefix", "message.prefix.include.list",
        "message.prefix.exclude.list", "outboxkit.offset.table")) {
      assertThatThrownBy(() -> valid().debeziumProperty(owned, "x")).as(owned)
          .isInstanceOf(OutboxConfigurationException.class)
          .hasMessage("Debezium property '" + owned + "' is set by the relay from its own settings; use the builder's "
              + "setter for it");
    }
    RelaySettings settings = RelaySettings.from(valid().debeziumProperty("database.sslmode", "require")
        .debeziumProperty("snapshot.mode", "initial").debeziumProperty("status.update.interval.ms", "500"));
    assertThat(EngineProperties.of(settings)).containsEntry("database.sslmode", "require")
        .containsEntry("snapshot.mode", "initial").containsEntry("status.update.interval.ms", "500");
  }

  @Test
  void missingRequiredSettingsAreNamed() {
    assertThatThrownBy(() -> OutboxRelay.builder().build()).hasMessageContaining("database");
    assertThatThrownBy(() -> OutboxRelay.builder().database("h", 5432, "d").build())
        .hasMessageContaining("username");
    assertThatThrownBy(() -> OutboxRelay.builder().database("h", 5432, "d").username("u").build())
        .hasMessageContaining("bootstrapServers");
  }

  @Test
  void jdbcUrlIsTakenApart() {
    JdbcUrl url = JdbcUrl.parse("jdbcUrl", "jdbc:postgresql://[::1]:5433/my%20db?sslmode=verify-full&connectTimeout=5");
    assertThat(url.host()).isEqualTo("::1");
    assertThat(url.port()).isEqualTo(5433);
    assertThat(url.database()).isEqualTo("my db");
    assertThat(url.parameters()).containsEntry("sslmode", "verify-full").containsEntry("connectTimeout", "5");
    assertThat(JdbcUrl.parse("jdbcUrl", "jdbc:postgresql://localhost/orders").port()).isEqualTo(5432);
  }

  @Test
  void statusBeforeStartIsNew() {
    OutboxRelay relay = valid().build();
    assertThat(relay.status().state()).isEqualTo(RelayState.NEW);
    assertThat(relay.status().slotLagBytes()).isEqualTo(-1);
    relay.close();
    assertThat(relay.status().state()).isEqualTo(RelayState.STOPPED);
  }

  @Test
  void toStringShowsEverySettingButNoSecret() {
    RelaySettings settings = RelaySettings.from(OutboxRelay.builder()
        .jdbcUrl("jdbc:postgresql://db.example:6543/orders?sslmode=require&sslpassword=UrlSecret-1")
        .username("relay").password("DbPassword-1").bootstrapServers("kafka:9092")
        .producerProperty("security.protocol", "SASL_SSL")
        .producerProperty("sasl.jaas.config", "PlainLoginModule required username=\"u\" password=\"Jaas-1\";")
        .producerProperty("ssl.key.password", "KeyPassword-1")
        .producerProperty("ssl.keystore.password", "KeystorePassword-1")
        .producerProperty("ssl.truststore.password", "TruststorePassword-1")
        .debeziumProperty("database.sslpassword", "DebeziumPassword-1")
        .debeziumProperty("max.batch.size", "512"));
    String shown = settings.toString();
    assertThat(shown).doesNotContain("UrlSecret-1", "DbPassword-1", "Jaas-1", "KeyPassword-1", "KeystorePassword-1",
            "TruststorePassword-1", "DebeziumPassword-1")
        .contains("host=db.example", "port=6543", "database=orders", "sslmode=require", "sslpassword=******",
            "username=relay", "password=******", "security.protocol=SASL_SSL", "sasl.jaas.config=******",
            "ssl.key.password=******", "ssl.keystore.password=******", "ssl.truststore.password=******",
            "database.sslpassword=******", "max.batch.size=512", "bootstrapServers=kafka:9092", "replicationSlot=outboxkit");
    // the settings themselves keep the values the relay needs
    assertThat(settings.password()).isEqualTo("DbPassword-1");
    assertThat(settings.producerProperties()).containsEntry("ssl.key.password", "KeyPassword-1");
  }

  @Test
  void secretJdbcParametersStayOutOfTheUrlAndGoWithTheConnectionProperties() {
    RelaySettings settings = RelaySettings.from(valid()
        .jdbcUrl("jdbc:postgresql://db.example:6543/orders?sslmode=require&sslpassword=UrlSecret-1"));
    assertThat(settings.jdbcUrl()).isEqualTo("jdbc:postgresql://db.example:6543/orders?sslmode=require");
    assertThat(settings.secretJdbcParameters()).containsExactly(Map.entry("sslpassword", "UrlSecret-1"));
    Properties engine = EngineProperties.of(settings);
    assertThat(engine.getProperty("outboxkit.offset.jdbc.url")).doesNotContain("UrlSecret-1");
    assertThat(engine.getProperty("outboxkit.offset.jdbc.parameter.sslpassword")).isEqualTo("UrlSecret-1");
    assertThat(engine.getProperty("database.sslpassword")).isEqualTo("UrlSecret-1");
    // Debezium masks by OutboxKit's rule in the configuration it logs
    Pattern sanitize = Pattern.compile(engine.getProperty("custom.sanitize.pattern"));
    for (String name : engine.stringPropertyNames()) {
      String value = engine.getProperty(name);
      if (value.contains("UrlSecret-1") || value.equals("secret")) {
        assertThat(sanitize.matcher(name).matches()).as(name + " is masked in Debezium's log").isTrue();
      }
    }
    // a pattern of the user's own is added to the rule, not put in its place
    Pattern combined = Pattern.compile(EngineProperties.of(RelaySettings.from(valid()
        .debeziumProperty("custom.sanitize.pattern", ".*\\.mine"))).getProperty("custom.sanitize.pattern"));
    assertThat(combined.matcher("x.mine").matches()).isTrue();
    assertThat(combined.matcher("database.sslpassword").matches()).isTrue();
  }

  @Test
  void aRefusedJdbcUrlIsShownWithoutItsSecrets() {
    for (String url : new String[] {
        "jdbc:postgresql://db/orders?password=UrlSecret-1",
        "jdbc:postgresql://a,b/orders?password=UrlSecret-1",
        "jdbc:postgresql://db:x/orders?sslpassword=UrlSecret-1",
        "jdbc:postgresql://relay:UrlSecret-1@db/orders",
        "jdbc:postgresql://db/orders&password=UrlSecret-1",
        "postgres://relay:UrlSecret-1@db/orders?sslpassword=UrlSecret-1"}) {
      assertThatThrownBy(() -> OutboxRelay.builder().jdbcUrl(url)).as(url)
          .isInstanceOf(OutboxConfigurationException.class)
          .satisfies(e -> assertThat(e.getMessage()).contains("jdbcUrl").doesNotContain("UrlSecret-1"));
    }
  }
}
