package io.outboxkit.relay;

import io.outboxkit.core.SqlIdentifier;
import io.outboxkit.core.TableName;
import io.outboxkit.core.internal.Secrets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.function.UnaryOperator;
import org.jspecify.annotations.Nullable;

/**
 * Everything a relay was configured with, resolved and validated by {@link OutboxRelay.Builder}. Its
 * {@link #toString()} shows the password and every secret property or JDBC parameter ({@link Secrets}) as
 * {@value Secrets#MASK}.
 *
 * @param outboxTable the outbox table in table mode; null in WAL-message mode
 * @param walMessagePrefix the logical decoding message prefix in WAL-message mode; null in table mode
 * @param messages rewrites the relay's reasons before they are shown ({@link #say(String)})
 * @param tracing whether to make producer spans (when opentelemetry-api is present)
 * @param openTelemetry an {@code io.opentelemetry.api.OpenTelemetry}, or null for {@code GlobalOpenTelemetry}
 */
record RelaySettings(
    String host,
    int port,
    String database,
    Map<String, String> jdbcParameters,
    String username,
    String password,
    @Nullable TableName outboxTable,
    @Nullable String walMessagePrefix,
    SqlIdentifier relaySchema,
    String replicationSlot,
    String publication,
    String topicPrefix,
    String deadLetterTopic,
    String bootstrapServers,
    UnaryOperator<String> messages,
    Map<String, Object> producerProperties,
    Map<String, String> debeziumProperties,
    Duration heartbeatInterval,
    Duration stallTimeout,
    Duration offsetFlushInterval,
    boolean highAvailability,
    @Nullable Object meterRegistry,
    boolean tracing,
    @Nullable Object openTelemetry) {

  /** Name of the relay's offset table (in {@link #relaySchema()}). */
  static final String OFFSET_TABLE = "outboxkit_relay_offset";

  /** Name of the relay's heartbeat table (in {@link #relaySchema()}). */
  static final String HEARTBEAT_TABLE = "outboxkit_relay_heartbeat";

  /** Name of the relay's watermark table (in {@link #relaySchema()}). */
  static final String WATERMARK_TABLE = "outboxkit_relay_watermark";

  /**
   * A reason as the relay shows it (status, log lines, dead-letter headers): rewritten by the builder's
   * {@link OutboxRelay.Builder#messages messages(..)}, so that an integration that configured the relay from
   * its own settings sees those named instead of the builder's methods.
   */
  String say(String reason) {
    String said = messages.apply(reason);
    return said == null ? reason : said;
  }

  static RelaySettings from(OutboxRelay.Builder builder) {
    boolean walMode = !builder.mode.readsTable();
    SqlIdentifier relaySchema = builder.relaySchema != null
        ? builder.relaySchema
        : walMode ? SqlIdentifier.of("relaySchema", TableName.DEFAULT_SCHEMA) : builder.schema;
    return new RelaySettings(
        Objects.requireNonNull(builder.host),
        builder.port,
        Objects.requireNonNull(builder.database),
        Map.copyOf(builder.jdbcParameters),
        Objects.requireNonNull(builder.username),
        builder.password == null ? "" : builder.password,
        walMode ? null : new TableName(builder.schema, builder.table),
        walMode ? builder.walMessagePrefix : null,
        relaySchema,
        builder.replicationSlot,
        builder.publication,
        builder.topicPrefix,
        builder.deadLetterTopic != null ? builder.deadLetterTopic : OutboxRelay.Builder.DEFAULT_DEAD_LETTER_TOPIC,
        Objects.requireNonNull(builder.bootstrapServers),
        builder.messages,
        new LinkedHashMap<>(builder.producerProperties),
        new LinkedHashMap<>(builder.debeziumProperties),
        builder.heartbeatInterval,
        builder.stallTimeout,
        builder.offsetFlushInterval,
        builder.highAvailability,
        builder.meterRegistry,
        builder.tracing,
        builder.openTelemetry);
  }

  boolean walMessageMode() {
    return walMessagePrefix != null;
  }

  /**
   * The JDBC URL of the relay's own connections, with the JDBC parameters that are not secrets; the secret
   * ones ({@code sslpassword}, ...) go with the connection properties ({@link #secretJdbcParameters()}), so
   * that a URL shown or logged by a driver or by Debezium carries none.
   */
  String jdbcUrl() {
    Map<String, String> shown = new LinkedHashMap<>(jdbcParameters);
    shown.keySet().removeIf(Secrets::isSecret);
    return JdbcUrl.format(host, port, database, shown);
  }

  /** The JDBC parameters that are secrets, to be passed as connection properties beside {@link #jdbcUrl()}. */
  Map<String, String> secretJdbcParameters() {
    Map<String, String> secrets = new LinkedHashMap<>(jdbcParameters);
    secrets.keySet().removeIf(name -> !Secrets.isSecret(name));
    return secrets;
  }

  TableName offsetTable() {
    return new TableName(relaySchema, SqlIdentifier.of("offset table", OFFSET_TABLE));
  }

  TableName heartbeatTable() {
    return new TableName(relaySchema, SqlIdentifier.of("heartbeat table", HEARTBEAT_TABLE));
  }

  TableName watermarkTable() {
    return new TableName(relaySchema, SqlIdentifier.of("watermark table", WATERMARK_TABLE));
  }

  /**
   * The aggregate type whose topic would be the dead-letter topic, when the dead-letter topic starts with the
   * topic prefix; null when no aggregate type can produce it.
   */
  @Nullable String aggregateTypeOfDeadLetterTopic() {
    return deadLetterTopic.startsWith(topicPrefix) && deadLetterTopic.length() > topicPrefix.length()
        ? deadLetterTopic.substring(topicPrefix.length()) : null;
  }

  boolean heartbeatsEnabled() {
    return !heartbeatInterval.isZero();
  }

  /** Debezium's logical server name: prefix of its internal topic names and key of its stored offsets. */
  String debeziumTopicPrefix() {
    return "outboxkit." + replicationSlot;
  }

  /** The engine's name: the offset store keeps positions per engine name. */
  String engineName() {
    return "outboxkit-relay-" + replicationSlot;
  }

  /** Where this relay reads from, for log lines. */
  String describe() {
    return (walMessageMode() ? "WAL messages with prefix '" + walMessagePrefix + "'" : "table " + outboxTable)
        + " in " + host + ":" + port + "/" + database + " (slot " + replicationSlot + ", publication " + publication
        + ")";
  }

  /** All settings, with the password and every secret property or JDBC parameter masked. */
  @Override
  public String toString() {
    return "RelaySettings[host=" + host + ", port=" + port + ", database=" + database
        + ", jdbcParameters=" + Secrets.masked(jdbcParameters) + ", username=" + username
        + ", password=" + Secrets.MASK + ", outboxTable=" + outboxTable + ", walMessagePrefix=" + walMessagePrefix
        + ", relaySchema=" + relaySchema + ", replicationSlot=" + replicationSlot + ", publication=" + publication
        + ", topicPrefix=" + topicPrefix + ", deadLetterTopic=" + deadLetterTopic
        + ", bootstrapServers=" + bootstrapServers + ", producerProperties=" + Secrets.masked(producerProperties)
        + ", debeziumProperties=" + Secrets.masked(debeziumProperties) + ", heartbeatInterval=" + heartbeatInterval
        + ", stallTimeout=" + stallTimeout + ", offsetFlushInterval=" + offsetFlushInterval
        + ", highAvailability=" + highAvailability + ", meterRegistry=" + meterRegistry + ", tracing=" + tracing
        + ", openTelemetry=" + (openTelemetry == null ? "global" : "given") + "]";
  }
}
