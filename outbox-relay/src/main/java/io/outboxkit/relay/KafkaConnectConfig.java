package io.outboxkit.relay;

import com.fasterxml.jackson.core.JsonGenerator;
import io.debezium.config.CommonConnectorConfig;
import io.debezium.connector.postgresql.PostgresConnector;
import io.debezium.connector.postgresql.PostgresConnectorConfig;
import io.debezium.heartbeat.DatabaseHeartbeatImpl;
import io.debezium.heartbeat.Heartbeat;
import io.debezium.relational.RelationalDatabaseConnectorConfig;
import io.outboxkit.core.OutboxConfigurationException;
import io.outboxkit.core.TableName;
import io.outboxkit.core.internal.JsonText;
import io.outboxkit.core.internal.Secrets;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * The configuration of Debezium's PostgreSQL connector with the Outbox Event Router on Kafka Connect that
 * streams the same outbox as a relay configured by an {@link OutboxRelay.Builder}: same table, slot and
 * publication, same topic names, keys, values and {@code id}/{@code eventType} headers, the relay's tuned
 * defaults and its heartbeats. For moving from the relay to Kafka Connect (and back) on the same slot.
 *
 * <p>Secrets are never written into it: the database password is a Connect config-provider reference
 * ({@link #DEFAULT_PASSWORD_REFERENCE} unless another is given), and secret JDBC parameters are refused.
 * WAL-message mode is refused: the Event Router routes table rows only.
 *
 * <p>What Kafka Connect does not reproduce is in the relay's README ("Moving to Debezium on Kafka Connect").
 */
public final class KafkaConnectConfig {

  /**
   * The default reference to the database password: an environment variable of the Connect worker, read by
   * Kafka's {@code EnvVarConfigProvider} (the worker needs {@code config.providers=env} and
   * {@code config.providers.env.class=org.apache.kafka.common.config.provider.EnvVarConfigProvider}).
   */
  public static final String DEFAULT_PASSWORD_REFERENCE = "${env:OUTBOX_RELAY_PASSWORD}";

  private static final Pattern REFERENCE = Pattern.compile("\\$\\{[^}:]+:[^}]+}");

  private final String name;
  private final Map<String, String> config;

  private KafkaConnectConfig(String name, Map<String, String> config) {
    this.name = name;
    this.config = config;
  }

  /**
   * The connector for the relay {@code relay} would build.
   *
   * @param passwordReference a Connect config-provider reference such as
   *     {@code ${file:/opt/kafka/secrets/db.properties:password}} or {@link #DEFAULT_PASSWORD_REFERENCE}
   * @throws OutboxConfigurationException when the relay's settings are incomplete, use WAL-message mode or
   *     secret JDBC parameters, or the reference is not one
   */
  public static KafkaConnectConfig of(OutboxRelay.Builder relay, String passwordReference) {
    Objects.requireNonNull(relay, "relay");
    if (passwordReference == null || !REFERENCE.matcher(passwordReference).matches()) {
      throw new OutboxConfigurationException("the password reference is '" + passwordReference + "': give a Kafka"
          + " Connect config-provider reference such as ${env:OUTBOX_RELAY_PASSWORD} or"
          + " ${file:/path/secrets.properties:password}, never the password itself");
    }
    relay.validate(); // the same checks as for a relay
    RelaySettings settings = RelaySettings.from(relay);
    if (settings.walMessageMode()) {
      throw new OutboxConfigurationException("the relay reads WAL messages (prefix '" + settings.walMessagePrefix()
          + "'), which Debezium's Outbox Event Router cannot route (it routes table rows only): switch the writer"
          + " and the relay to a table mode before moving to Kafka Connect");
    }
    if (!settings.secretJdbcParameters().isEmpty()) {
      throw new OutboxConfigurationException("the relay's JDBC URL has secret parameters "
          + settings.secretJdbcParameters().keySet() + ": give them to the connector as config-provider references"
          + " (database." + settings.secretJdbcParameters().keySet().iterator().next() + "=${file:...}) by hand");
    }
    TableName outbox = Objects.requireNonNull(settings.outboxTable());
    String debeziumPrefix = settings.debeziumTopicPrefix();
    Map<String, String> c = new LinkedHashMap<>();
    c.put("connector.class", PostgresConnector.class.getName());
    c.put("tasks.max", "1");
    c.put(RelationalDatabaseConnectorConfig.HOSTNAME.name(), settings.host());
    c.put(RelationalDatabaseConnectorConfig.PORT.name(), Integer.toString(settings.port()));
    c.put(RelationalDatabaseConnectorConfig.DATABASE_NAME.name(), settings.database());
    c.put(RelationalDatabaseConnectorConfig.USER.name(), settings.username());
    c.put(RelationalDatabaseConnectorConfig.PASSWORD.name(), passwordReference);
    settings.jdbcParameters().forEach((parameter, value) ->
        c.put(CommonConnectorConfig.DATABASE_CONFIG_PREFIX + parameter, value));
    c.put(CommonConnectorConfig.TOPIC_PREFIX.name(), debeziumPrefix);
    c.put(PostgresConnectorConfig.PLUGIN_NAME.name(), PostgresConnectorConfig.LogicalDecoder.PGOUTPUT.getValue());
    c.put(PostgresConnectorConfig.SLOT_NAME.name(), settings.replicationSlot());
    c.put(PostgresConnectorConfig.PUBLICATION_NAME.name(), settings.publication());
    c.put(PostgresConnectorConfig.PUBLICATION_AUTOCREATE_MODE.name(),
        PostgresConnectorConfig.AutoCreateMode.DISABLED.getValue());
    c.put(RelationalDatabaseConnectorConfig.TABLE_INCLUDE_LIST.name(),
        regex(outbox) + "," + regex(settings.heartbeatTable()));
    c.put(PostgresConnectorConfig.LOGICAL_DECODING_MESSAGE_PREFIX_EXCLUDE_LIST.name(), ".*");
    c.put(PostgresConnectorConfig.SNAPSHOT_MODE.name(), PostgresConnectorConfig.SnapshotMode.NO_DATA.getValue());
    c.put(CommonConnectorConfig.TOMBSTONES_ON_DELETE.name(), "false");
    c.put(CommonConnectorConfig.EXTENDED_HEADERS_ENABLED.name(), "false");
    c.put(CommonConnectorConfig.PROVIDE_TRANSACTION_METADATA.name(), "false");
    c.put(CommonConnectorConfig.MAX_BATCH_SIZE.name(), Integer.toString(EngineProperties.MAX_BATCH_SIZE));
    c.put(CommonConnectorConfig.MAX_QUEUE_SIZE.name(), Integer.toString(EngineProperties.MAX_QUEUE_SIZE));
    c.put(CommonConnectorConfig.MAX_QUEUE_SIZE_IN_BYTES.name(), Long.toString(EngineProperties.MAX_QUEUE_SIZE_IN_BYTES));
    c.put(CommonConnectorConfig.POLL_INTERVAL_MS.name(), Integer.toString(EngineProperties.POLL_INTERVAL_MS));
    if (settings.heartbeatsEnabled()) {
      // the relay writes its heartbeat rows itself; on Connect, Debezium's heartbeat query writes the same rows
      String table = settings.heartbeatTable().qualified();
      String slot = settings.replicationSlot().replace("'", "''");
      c.put(Heartbeat.HEARTBEAT_INTERVAL.name(), Long.toString(settings.heartbeatInterval().toMillis()));
      c.put(DatabaseHeartbeatImpl.HEARTBEAT_ACTION_QUERY.name(), "WITH beat AS (INSERT INTO " + table
          + " (slot_name) VALUES ('" + slot + "') RETURNING id) DELETE FROM " + table + " WHERE slot_name = '" + slot
          + "' AND id < (SELECT id FROM beat)");
    }
    c.put("key.converter", "org.apache.kafka.connect.storage.StringConverter");
    c.put("value.converter", "org.apache.kafka.connect.storage.StringConverter");
    c.put("header.converter", "org.apache.kafka.connect.storage.StringConverter");
    c.put("transforms", "dropHeartbeats,outbox");
    c.put("transforms.dropHeartbeats.type", "org.apache.kafka.connect.transforms.Filter");
    c.put("transforms.dropHeartbeats.predicate", "isHeartbeat");
    c.put("transforms.outbox.type", "io.debezium.transforms.outbox.EventRouter");
    c.put("transforms.outbox.predicate", "isOutbox");
    c.put("transforms.outbox.table.expand.json.payload", "false");
    c.put("transforms.outbox.table.fields.additional.placement", "type:header:eventType");
    c.put("transforms.outbox.route.topic.replacement", settings.topicPrefix() + "${routedByValue}");
    c.put("predicates", "isHeartbeat,isOutbox");
    c.put("predicates.isHeartbeat.type", "org.apache.kafka.connect.transforms.predicates.TopicNameMatches");
    c.put("predicates.isHeartbeat.pattern", literal(debeziumPrefix + "." + settings.heartbeatTable().schema().name()
        + "." + settings.heartbeatTable().table().name()) + "|__debezium-heartbeat\\..*");
    c.put("predicates.isOutbox.type", "org.apache.kafka.connect.transforms.predicates.TopicNameMatches");
    c.put("predicates.isOutbox.pattern", literal(debeziumPrefix + "." + outbox.schema().name() + "."
        + outbox.table().name()));
    // the relay's producer settings; the worker needs connector.client.config.override.policy=All
    c.put("producer.override.acks", "all");
    c.put("producer.override.enable.idempotence", "true");
    c.put("producer.override.linger.ms", "5");
    c.put("producer.override.batch.size", "262144");
    settings.debeziumProperties().forEach((property, value) -> {
      if (Secrets.isSecret(property)) {
        throw new OutboxConfigurationException("the relay's Debezium property " + property + " is a secret: give it"
            + " to the connector as a config-provider reference by hand, not in the generated configuration");
      }
      c.put(property, value);
    });
    return new KafkaConnectConfig("outboxkit-" + settings.replicationSlot(), Map.copyOf(c));
  }

  /** The connector's name: {@code outboxkit-<slot>}. */
  public String name() {
    return name;
  }

  /** The connector's settings, in a stable order. */
  public Map<String, String> config() {
    Map<String, String> ordered = new LinkedHashMap<>();
    config.keySet().stream().sorted().forEach(key -> ordered.put(key, config.get(key)));
    return ordered;
  }

  /** The body for Kafka Connect's REST API ({@code POST /connectors}): {@code {"name": .., "config": {..}}}. */
  public String toJson() {
    StringWriter out = new StringWriter();
    try (JsonGenerator json = JsonText.UNLIMITED.createGenerator(out)) {
      json.useDefaultPrettyPrinter();
      json.writeStartObject();
      json.writeStringField("name", name);
      json.writeObjectFieldStart("config");
      for (Map.Entry<String, String> setting : config().entrySet()) {
        json.writeStringField(setting.getKey(), setting.getValue());
      }
      json.writeEndObject();
      json.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out + "\n";
  }

  /** A connector properties file for a standalone worker ({@code connect-standalone.sh worker.properties this}). */
  public String toProperties() {
    StringBuilder out = new StringBuilder("name=").append(escape(name, false)).append('\n');
    config().forEach((key, value) -> out.append(escape(key, true)).append('=').append(escape(value, false))
        .append('\n'));
    return out.toString();
  }

  /** As {@link java.util.Properties#load} reads it back: backslashes doubled, and in keys the separators escaped. */
  private static String escape(String text, boolean key) {
    StringBuilder out = new StringBuilder(text.length());
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '\\') {
        out.append("\\\\");
      } else if (c == '\n') {
        out.append("\\n");
      } else if ((key && (c == '=' || c == ':' || c == ' ')) || (i == 0 && (c == ' ' || c == '#' || c == '!'))) {
        out.append('\\').append(c);
      } else {
        out.append(c);
      }
    }
    return out.toString();
  }

  /** A regular expression that matches exactly {@code text}, with its metacharacters escaped by backslashes. */
  private static String literal(String text) {
    return text.replaceAll("([\\\\.\\[\\]{}()*+?^$|-])", "\\\\$1");
  }

  private static String regex(TableName table) {
    return table.schema().name() + "\\." + table.table().name();
  }
}
