package io.outboxkit.relay;

import io.outboxkit.core.TableName;
import io.outboxkit.core.internal.Secrets;
import io.outboxkit.relay.internal.PostgresOffsetBackingStore;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.regex.Pattern;

/** The Debezium engine and PostgreSQL connector configuration of a relay. Defaults are explained in README.md. */
final class EngineProperties {

  static final int MAX_BATCH_SIZE = 2048;
  static final int MAX_QUEUE_SIZE = 4096;
  static final long MAX_QUEUE_SIZE_IN_BYTES = 32L * 1024 * 1024;
  static final int POLL_INTERVAL_MS = 5;

  /** Debezium's setting for the names whose values its configuration logs mask. */
  static final String SANITIZE_PATTERN = "custom.sanitize.pattern";

  private EngineProperties() {
  }

  static Properties of(RelaySettings settings) {
    Properties p = new Properties();
    // engine
    p.setProperty("name", settings.engineName());
    p.setProperty("connector.class", "io.debezium.connector.postgresql.PostgresConnector");
    p.setProperty("offset.storage", PostgresOffsetBackingStore.class.getName());
    p.setProperty(PostgresOffsetBackingStore.JDBC_URL, settings.jdbcUrl());
    p.setProperty(PostgresOffsetBackingStore.JDBC_USER, settings.username());
    p.setProperty(PostgresOffsetBackingStore.JDBC_PASSWORD, settings.password());
    settings.secretJdbcParameters().forEach((name, value) ->
        p.setProperty(PostgresOffsetBackingStore.JDBC_PARAMETER_PREFIX + name, value));
    p.setProperty(PostgresOffsetBackingStore.TABLE, settings.offsetTable().qualified());
    p.setProperty(PostgresOffsetBackingStore.STORE_NAME, settings.engineName());
    p.setProperty("offset.flush.interval.ms", Long.toString(settings.offsetFlushInterval().toMillis()));
    p.setProperty("offset.flush.timeout.ms", "10000");
    p.setProperty("debezium.embedded.shutdown.pause.before.interrupt.ms", "10000");
    p.setProperty("errors.retry.delay.initial.ms", "300");
    p.setProperty("errors.retry.delay.max.ms", "10000");

    // connection
    p.setProperty("topic.prefix", settings.debeziumTopicPrefix());
    p.setProperty("database.hostname", settings.host());
    p.setProperty("database.port", Integer.toString(settings.port()));
    p.setProperty("database.dbname", settings.database());
    p.setProperty("database.user", settings.username());
    p.setProperty("database.password", settings.password());
    for (Map.Entry<String, String> parameter : settings.jdbcParameters().entrySet()) {
      p.setProperty("database." + parameter.getKey(), parameter.getValue());
    }

    // what is read
    p.setProperty("plugin.name", "pgoutput");
    p.setProperty("slot.name", settings.slotName());
    p.setProperty("publication.name", settings.publicationName());
    // the relay creates the publication before the engine starts; Debezium's "filtered" mode would set its table
    // list again whenever it differs from the include list, dropping the outbox table's column list
    p.setProperty("publication.autocreate.mode", "disabled");
    List<String> tables = new ArrayList<>();
    if (settings.outboxTable() != null) {
      tables.add(tableRegex(settings.outboxTable()));
    }
    tables.add(tableRegex(settings.heartbeatTable()));
    p.setProperty("table.include.list", String.join(",", tables));
    if (settings.walMessageMode()) {
      p.setProperty("message.prefix.include.list", Pattern.quote(settings.walMessagePrefix()));
    } else {
      p.setProperty("message.prefix.exclude.list", ".*");
    }
    p.setProperty("snapshot.mode", "no_data");
    p.setProperty("tombstones.on.delete", "false");
    p.setProperty("extended.headers.enabled", "false");
    p.setProperty("provide.transaction.metadata", "false");

    // latency and throughput
    p.setProperty("max.batch.size", Integer.toString(MAX_BATCH_SIZE));
    p.setProperty("max.queue.size", Integer.toString(MAX_QUEUE_SIZE));
    p.setProperty("max.queue.size.in.bytes", Long.toString(MAX_QUEUE_SIZE_IN_BYTES));
    p.setProperty("poll.interval.ms", Integer.toString(POLL_INTERVAL_MS));

    // WAL safety: Debezium's heartbeat records carry the position of WAL the stream passed over; the relay
    // writes the heartbeat rows itself (StreamWatch), so that they also show the stream is alive
    if (settings.heartbeatsEnabled()) {
      p.setProperty("heartbeat.interval.ms", Long.toString(settings.heartbeatInterval().toMillis()));
    } else {
      p.setProperty("heartbeat.interval.ms", "0");
    }

    settings.debeziumProperties().forEach(p::setProperty);

    // Debezium logs its configuration with the values of its own secret names masked; make it mask every
    // secret by OutboxKit's rule (database.sslpassword, the offset store's parameters, ...) as well
    String sanitize = settings.debeziumProperties().get(SANITIZE_PATTERN);
    p.setProperty(SANITIZE_PATTERN, sanitize == null || sanitize.isBlank() ? Secrets.NAME_REGEX
        : "(?:" + Secrets.NAME_REGEX + ")|(?:" + sanitize + ")");
    return p;
  }

  /** Debezium's include lists are regular expressions over {@code schema.table}. */
  private static String tableRegex(TableName table) {
    return table.schema().name() + "\\." + table.table().name();
  }
}
