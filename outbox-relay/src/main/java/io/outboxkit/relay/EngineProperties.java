package io.outboxkit.relay;

import io.debezium.config.CommonConnectorConfig;
import io.debezium.config.Field;
import io.debezium.connector.postgresql.PostgresConnector;
import io.debezium.connector.postgresql.PostgresConnectorConfig;
import io.debezium.embedded.EmbeddedEngineConfig;
import io.debezium.heartbeat.Heartbeat;
import io.debezium.relational.RelationalDatabaseConnectorConfig;
import io.outboxkit.core.TableName;
import io.outboxkit.core.internal.Secrets;
import io.outboxkit.relay.internal.PostgresOffsetBackingStore;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The Debezium engine and PostgreSQL connector configuration of a relay, set through Debezium's own typed
 * {@link Field} constants (and its {@link CommonConnectorConfig#DATABASE_CONFIG_PREFIX} for JDBC parameters).
 * The offset store's settings are OutboxKit's own ({@link PostgresOffsetBackingStore}). Defaults are explained
 * in README.md.
 */
final class EngineProperties {

  static final int MAX_BATCH_SIZE = 2048;
  static final int MAX_QUEUE_SIZE = 4096;
  static final long MAX_QUEUE_SIZE_IN_BYTES = 32L * 1024 * 1024;
  static final int POLL_INTERVAL_MS = 5;

  /** Debezium's setting for the names whose values its configuration logs mask. */
  static final String SANITIZE_PATTERN = CommonConnectorConfig.CUSTOM_SANITIZE_PATTERN.name();

  /**
   * The settings that define what the relay reads and where it keeps its position: set from the relay's own
   * settings only, never by {@link OutboxRelay.Builder#debeziumProperty(String, String)}.
   */
  private static final Set<String> OWNED = Set.of(
      EmbeddedEngineConfig.ENGINE_NAME.name(),
      EmbeddedEngineConfig.CONNECTOR_CLASS.name(),
      EmbeddedEngineConfig.OFFSET_STORAGE.name(),
      PostgresConnectorConfig.PLUGIN_NAME.name(),
      PostgresConnectorConfig.SLOT_NAME.name(),
      PostgresConnectorConfig.PUBLICATION_NAME.name(),
      RelationalDatabaseConnectorConfig.HOSTNAME.name(),
      RelationalDatabaseConnectorConfig.PORT.name(),
      RelationalDatabaseConnectorConfig.DATABASE_NAME.name(),
      RelationalDatabaseConnectorConfig.USER.name(),
      RelationalDatabaseConnectorConfig.PASSWORD.name(),
      RelationalDatabaseConnectorConfig.TABLE_INCLUDE_LIST.name(),
      CommonConnectorConfig.TOPIC_PREFIX.name(),
      PostgresConnectorConfig.LOGICAL_DECODING_MESSAGE_PREFIX_INCLUDE_LIST.name(),
      PostgresConnectorConfig.LOGICAL_DECODING_MESSAGE_PREFIX_EXCLUDE_LIST.name());

  /** The prefix of the offset store's settings (all of them OutboxKit's, see {@link PostgresOffsetBackingStore}). */
  private static final String OFFSET_STORE_PREFIX = "outboxkit.";

  private EngineProperties() {
  }

  /** True for a setting the relay owns: one of {@link #OWNED}, Kafka Connect's offset storage, the offset store's. */
  static boolean isOwned(String name) {
    return OWNED.contains(name) || name.startsWith(EmbeddedEngineConfig.OFFSET_STORAGE.name())
        || name.startsWith(OFFSET_STORE_PREFIX);
  }

  static Properties of(RelaySettings settings) {
    Properties p = new Properties();
    // engine
    set(p, EmbeddedEngineConfig.ENGINE_NAME, settings.engineName());
    set(p, EmbeddedEngineConfig.CONNECTOR_CLASS, PostgresConnector.class.getName());
    set(p, EmbeddedEngineConfig.OFFSET_STORAGE, PostgresOffsetBackingStore.class.getName());
    p.setProperty(PostgresOffsetBackingStore.JDBC_URL, settings.jdbcUrl());
    p.setProperty(PostgresOffsetBackingStore.JDBC_USER, settings.username());
    p.setProperty(PostgresOffsetBackingStore.JDBC_PASSWORD, settings.password());
    settings.secretJdbcParameters().forEach((name, value) ->
        p.setProperty(PostgresOffsetBackingStore.JDBC_PARAMETER_PREFIX + name, value));
    p.setProperty(PostgresOffsetBackingStore.TABLE, settings.offsetTable().qualified());
    p.setProperty(PostgresOffsetBackingStore.STORE_NAME, settings.engineName());
    set(p, EmbeddedEngineConfig.OFFSET_FLUSH_INTERVAL_MS, settings.offsetFlushInterval().toMillis());
    set(p, EmbeddedEngineConfig.OFFSET_COMMIT_TIMEOUT_MS, 10_000);
    set(p, EmbeddedEngineConfig.WAIT_FOR_COMPLETION_BEFORE_INTERRUPT_MS, 10_000);
    set(p, EmbeddedEngineConfig.ERRORS_RETRY_DELAY_INITIAL_MS, 300);
    set(p, EmbeddedEngineConfig.ERRORS_RETRY_DELAY_MAX_MS, 10_000);

    // connection
    set(p, CommonConnectorConfig.TOPIC_PREFIX, settings.debeziumTopicPrefix());
    set(p, RelationalDatabaseConnectorConfig.HOSTNAME, settings.host());
    set(p, RelationalDatabaseConnectorConfig.PORT, settings.port());
    set(p, RelationalDatabaseConnectorConfig.DATABASE_NAME, settings.database());
    set(p, RelationalDatabaseConnectorConfig.USER, settings.username());
    set(p, RelationalDatabaseConnectorConfig.PASSWORD, settings.password());
    for (Map.Entry<String, String> parameter : settings.jdbcParameters().entrySet()) {
      p.setProperty(CommonConnectorConfig.DATABASE_CONFIG_PREFIX + parameter.getKey(), parameter.getValue());
    }

    // what is read
    set(p, PostgresConnectorConfig.PLUGIN_NAME, PostgresConnectorConfig.LogicalDecoder.PGOUTPUT.getValue());
    set(p, PostgresConnectorConfig.SLOT_NAME, settings.replicationSlot());
    set(p, PostgresConnectorConfig.PUBLICATION_NAME, settings.publication());
    // the relay creates the publication before the engine starts; Debezium's "filtered" mode would set its table
    // list again whenever it differs from the include list, dropping the outbox table's column list
    set(p, PostgresConnectorConfig.PUBLICATION_AUTOCREATE_MODE,
        PostgresConnectorConfig.AutoCreateMode.DISABLED.getValue());
    List<String> tables = new ArrayList<>();
    if (settings.outboxTable() != null) {
      tables.add(tableRegex(settings.outboxTable()));
    }
    tables.add(tableRegex(settings.heartbeatTable()));
    set(p, RelationalDatabaseConnectorConfig.TABLE_INCLUDE_LIST, String.join(",", tables));
    if (settings.walMessageMode()) {
      set(p, PostgresConnectorConfig.LOGICAL_DECODING_MESSAGE_PREFIX_INCLUDE_LIST,
          Pattern.quote(settings.walMessagePrefix()));
    } else {
      set(p, PostgresConnectorConfig.LOGICAL_DECODING_MESSAGE_PREFIX_EXCLUDE_LIST, ".*");
    }
    set(p, PostgresConnectorConfig.SNAPSHOT_MODE, PostgresConnectorConfig.SnapshotMode.NO_DATA.getValue());
    set(p, CommonConnectorConfig.TOMBSTONES_ON_DELETE, false);
    set(p, CommonConnectorConfig.EXTENDED_HEADERS_ENABLED, false);
    set(p, CommonConnectorConfig.PROVIDE_TRANSACTION_METADATA, false);

    // latency and throughput
    set(p, CommonConnectorConfig.MAX_BATCH_SIZE, MAX_BATCH_SIZE);
    set(p, CommonConnectorConfig.MAX_QUEUE_SIZE, MAX_QUEUE_SIZE);
    set(p, CommonConnectorConfig.MAX_QUEUE_SIZE_IN_BYTES, MAX_QUEUE_SIZE_IN_BYTES);
    set(p, CommonConnectorConfig.POLL_INTERVAL_MS, POLL_INTERVAL_MS);

    // WAL safety: Debezium's heartbeat records carry the position of WAL the stream passed over; the relay
    // writes the heartbeat rows itself (StreamWatch), so that they also show the stream is alive
    set(p, Heartbeat.HEARTBEAT_INTERVAL, settings.heartbeatsEnabled() ? settings.heartbeatInterval().toMillis() : 0);

    settings.debeziumProperties().forEach(p::setProperty);

    // Debezium logs its configuration with the values of its own secret names masked; make it mask every
    // secret by OutboxKit's rule (database.sslpassword, the offset store's parameters, ...) as well
    String sanitize = settings.debeziumProperties().get(SANITIZE_PATTERN);
    p.setProperty(SANITIZE_PATTERN, sanitize == null || sanitize.isBlank() ? Secrets.NAME_REGEX
        : "(?:" + Secrets.NAME_REGEX + ")|(?:" + sanitize + ")");
    return p;
  }

  private static void set(Properties properties, Field field, Object value) {
    properties.setProperty(field.name(), String.valueOf(value));
  }

  /** Debezium's include lists are regular expressions over {@code schema.table}. */
  private static String tableRegex(TableName table) {
    return table.schema().name() + "\\." + table.table().name();
  }
}
