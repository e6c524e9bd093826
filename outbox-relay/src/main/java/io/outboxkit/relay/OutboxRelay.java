package io.outboxkit.relay;

import io.opentelemetry.api.OpenTelemetry;
import io.outboxkit.core.OutboxConfigurationException;
import io.outboxkit.core.OutboxReplication;
import io.outboxkit.core.SqlIdentifier;
import io.outboxkit.core.TableName;
import io.outboxkit.core.WriteMode;
import io.outboxkit.core.internal.MeterRegistries;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.UnaryOperator;
import java.util.regex.Pattern;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.jspecify.annotations.Nullable;

/**
 * Streams committed outbox events from PostgreSQL to Kafka.
 *
 * <p>Inside runs Debezium's embedded PostgreSQL connector (logical decoding with {@code pgoutput}, a
 * publication limited to the relay's tables) and a Kafka producer with {@code acks=all} and idempotence. Each
 * event becomes one Kafka record: topic {@code <topic prefix><aggregatetype>}, key the aggregate id, value the
 * payload's JSON text, headers {@code id}, {@code eventType}, {@code traceparent}/{@code tracestate} and the
 * writer's extra headers. With OpenTelemetry, each event that carries a trace context is published in a
 * producer span ({@link Builder#tracing(boolean)}). The relay's position (Debezium's offsets) is stored in a
 * PostgreSQL table and moves only after the broker acknowledged every record of a batch: delivery is at least
 * once, in commit order per aggregate.
 *
 * <pre>{@code
 * OutboxRelay relay = OutboxRelay.builder()
 *     .jdbcUrl("jdbc:postgresql://db:5432/orders")
 *     .username("relay").password(secret)
 *     .bootstrapServers("kafka:9092")
 *     .build();
 * relay.start();
 * ...
 * relay.close();
 * }</pre>
 *
 * <p>Thread-safe. {@link #start()} may be called once; {@link #close()} any number of times.
 */
public interface OutboxRelay extends AutoCloseable {

  /**
   * The Kafka producer properties the relay uses unless {@link Builder#producerProperty(String, Object)}
   * overrides them, as Kafka property names and string values, in this order: {@code acks=all}, {@code
   * enable.idempotence=true}, {@code linger.ms=5}, {@code batch.size=262144}, {@code compression.type=lz4},
   * {@code max.block.ms=10000}. The module's README gives the reason for each. {@code acks} and {@code
   * enable.idempotence} may only be overridden with the same values. Besides these the relay sets {@code
   * client.id} ({@code outboxkit-relay-<replication slot>}, may be overridden), and {@code bootstrap.servers} and
   * byte-array serializers (may not).
   *
   * <p>Immutable; iterates in the order above. Useful to configure another producer like the relay's, for
   * example in a benchmark.
   */
  Map<String, String> DEFAULT_PRODUCER_PROPERTIES = KafkaPublisher.DEFAULT_PROPERTIES;

  /**
   * Checks the database, creates what the relay needs in it when missing (its offset and heartbeat tables,
   * the publication and the replication slot) and starts streaming in the background.
   *
   * <p>Returns once the checks passed and the engine was started; {@link #status()} then reports {@code
   * STARTING}, {@code ACTIVE} or {@code STANDBY}.
   *
   * <p>A relay that was closed, or whose start-up checks failed, may be started again: it resumes from the
   * position stored in its offset table, as a new relay with the same settings would (its meters go on
   * counting).
   *
   * @throws OutboxConfigurationException if the database cannot be used as configured (wrong password,
   *     {@code wal_level} not {@code logical}, no {@code REPLICATION} privilege, missing outbox table); the
   *     message says what to change, and the status becomes {@code FAILED} with the same message
   * @throws io.outboxkit.core.ServerUnavailableException if the database cannot be reached or cannot serve for
   *     now (too many connections, shutting down): start the relay again later
   * @throws io.outboxkit.core.OutboxException if PostgreSQL fails otherwise; the message has its reason
   * @throws IllegalStateException if the relay was started and not closed since, is being closed, or its last
   *     close did not complete (interrupted, or the engine did not stop within 2 minutes): build a new relay then
   */
  void start();

  /**
   * Runs the start-up checks and creates the relay's tables, the publication and the replication slot now,
   * when missing, without starting to stream.
   *
   * <p>PostgreSQL keeps WAL for a logical slot only from the moment the slot exists, and a publication
   * sends only changes made after the table joined it. Events committed before the relay's very first start
   * are therefore kept only if this ran before they were written: call it (or run the same statements, see
   * the module's README) when you install the outbox schema. {@link #start()} does it too, so a relay that
   * starts before the first event is written needs nothing else.
   *
   * @throws OutboxConfigurationException as {@link #start()} does
   */
  void prepareReplication();

  /** The relay's current state, failure reason and slot lag. Cheap: no database round trip. */
  RelayStatus status();

  /**
   * Stops streaming and releases the slot, the producer and the database connections, and returns when that
   * is done. May be called any number of times, also on a relay that never started or failed; later calls
   * return at once.
   *
   * <p><b>What is stored.</b> When close returns, the position after every batch whose records the broker
   * acknowledged is stored in the relay's offset table and confirmed to the replication slot, whatever {@link
   * Builder#offsetFlushInterval(Duration)} is: a relay started next on the slot sends none of those events
   * again. The batch being published when close is called may finish: close waits up to 5 s for its
   * acknowledgements and stores its position too; batches the engine read after it are not sent (the next
   * start reads them again). So a close with a healthy broker and database sends nothing twice.
   *
   * <p><b>Limits.</b> If that batch is not acknowledged within the 5 s (broker unreachable), its sends are
   * abandoned and the whole batch is sent again on the next start: at most one batch, up to Debezium's {@code
   * max.batch.size} events (2048 by default), some of which may have reached the topic. If the position cannot
   * be written (the database is unreachable; the write is tried twice), the next start resumes from the last
   * position stored, up to one {@code offsetFlushInterval} earlier. A process killed without close (SIGKILL,
   * power loss) resumes from the last periodic store in the same way.
   *
   * <p>Normally takes well under a second; up to about 5 s more while the broker does not answer.
   */
  @Override
  void close();

  /** A builder with all defaults; only the database and {@link Builder#bootstrapServers(String)} are required. */
  static Builder builder() {
    return new Builder();
  }

  /**
   * Configures an {@link OutboxRelay}. Each setter validates its value at once and names the setting in
   * its error. Not thread-safe; build one relay per builder use.
   */
  final class Builder {

    /** Default topic prefix: an event of aggregate type {@code order} goes to {@code outbox.event.order}. */
    public static final String DEFAULT_TOPIC_PREFIX = "outbox.event.";

    /**
     * The default dead-letter topic: outside the default topic prefix, so that no aggregate type's topic can
     * be it.
     */
    public static final String DEFAULT_DEAD_LETTER_TOPIC = "outboxkit.relay.dlq";

    /** Default heartbeat interval. */
    public static final Duration DEFAULT_HEARTBEAT_INTERVAL = Duration.ofSeconds(10);

    /** Default stall timeout: see {@link #stallTimeout(Duration)}. */
    public static final Duration DEFAULT_STALL_TIMEOUT = Duration.ofSeconds(30);

    /** Default interval at which the relay's position is stored. */
    public static final Duration DEFAULT_OFFSET_FLUSH_INTERVAL = Duration.ofSeconds(1);

    private static final Pattern TOPIC_CHARS = Pattern.compile("[a-zA-Z0-9._-]*");
    private static final Pattern HOST = Pattern.compile("[A-Za-z0-9._:\\[\\]-]+");
    private static final Set<String> OWNED_PRODUCER_PROPERTIES =
        Set.of(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG,
            ProducerConfig.BOOTSTRAP_SERVERS_CONFIG);

    @Nullable String host;
    int port = 5432;
    @Nullable String database;
    Map<String, String> jdbcParameters = new LinkedHashMap<>();
    @Nullable String username;
    @Nullable String password;
    SqlIdentifier schema = SqlIdentifier.of("schema", TableName.DEFAULT_SCHEMA);
    SqlIdentifier table = SqlIdentifier.of("table", TableName.DEFAULT_OUTBOX_TABLE);
    WriteMode mode = WriteMode.TABLE;
    String walMessagePrefix = OutboxReplication.DEFAULT_WAL_MESSAGE_PREFIX;
    @Nullable SqlIdentifier relaySchema;
    String replicationSlot = OutboxReplication.DEFAULT_SLOT;
    String publication = OutboxReplication.DEFAULT_PUBLICATION;
    String topicPrefix = DEFAULT_TOPIC_PREFIX;
    @Nullable String deadLetterTopic;
    @Nullable String bootstrapServers;
    Map<String, Object> producerProperties = new LinkedHashMap<>();
    Map<String, String> debeziumProperties = new LinkedHashMap<>();
    Duration heartbeatInterval = DEFAULT_HEARTBEAT_INTERVAL;
    Duration stallTimeout = DEFAULT_STALL_TIMEOUT;
    Duration offsetFlushInterval = DEFAULT_OFFSET_FLUSH_INTERVAL;
    boolean highAvailability = true;
    UnaryOperator<String> messages = UnaryOperator.identity();
    @Nullable Object meterRegistry;
    boolean tracing = true;
    @Nullable Object openTelemetry;

    Builder() {
    }

    /**
     * The database as a JDBC URL, {@code jdbc:postgresql://host[:port]/database[?parameters]}. Parameters
     * (for example {@code sslmode}) are used by the relay's own connections and passed to Debezium's as
     * {@code database.<parameter>}. Alternative to {@link #database(String, int, String)}.
     */
    public Builder jdbcUrl(String jdbcUrl) {
      JdbcUrl parsed = JdbcUrl.parse("jdbcUrl", jdbcUrl);
      this.host = parsed.host();
      this.port = parsed.port();
      this.database = parsed.database();
      this.jdbcParameters = new LinkedHashMap<>(parsed.parameters());
      return this;
    }

    /** The database by host, port and name. Alternative to {@link #jdbcUrl(String)}. */
    public Builder database(String host, int port, String database) {
      if (host == null || !HOST.matcher(host).matches()) {
        throw new OutboxConfigurationException("database host '" + host + "' is not a host name or address");
      }
      if (port < 1 || port > 65535) {
        throw new OutboxConfigurationException("database port " + port + " is out of range 1-65535");
      }
      if (database == null || database.isBlank()) {
        throw new OutboxConfigurationException("database name must not be blank");
      }
      JdbcUrl.requireUrlSafeDatabaseName("database(host, port, name)", database);
      this.host = host;
      this.port = port;
      this.database = database;
      return this;
    }

    /**
     * The database user. It needs the {@code REPLICATION} attribute (or superuser), {@code SELECT} on the
     * outbox table, and for the first start the right to create the publication (owner of the outbox table)
     * and the relay's tables (CREATE on the relay schema).
     */
    public Builder username(String username) {
      if (username == null || username.isBlank()) {
        throw new OutboxConfigurationException("username must not be blank");
      }
      this.username = username;
      return this;
    }

    /** The database user's password; may be empty for trust authentication. */
    public Builder password(String password) {
      this.password = Objects.requireNonNull(password, "password");
      return this;
    }

    /**
     * How the writer records events, and so what the relay reads; must be the writer's mode. Default {@link
     * WriteMode#TABLE}. In {@link WriteMode#TABLE} and {@link WriteMode#TABLE_DELETE_AFTER_INSERT} the relay
     * streams inserts into the outbox table ({@link #schema(String)}, {@link #table(String)}); updates and
     * deletes of its rows are ignored (a warning is logged once). In {@link WriteMode#WAL_MESSAGE} it streams
     * the logical decoding messages the writer emits with {@code pg_logical_emit_message} under {@link
     * #walMessagePrefix(String)} and reads no table; that needs PostgreSQL 14 or later (pgoutput sends
     * logical messages from 14 on).
     */
    public Builder mode(WriteMode mode) {
      if (mode == null) {
        throw new OutboxConfigurationException("mode must be one of " + List.of(WriteMode.values()));
      }
      this.mode = mode;
      return this;
    }

    /** Schema of the outbox table, default {@value TableName#DEFAULT_SCHEMA}; used in the table modes. */
    public Builder schema(String schema) {
      this.schema = SqlIdentifier.of("schema", schema);
      return this;
    }

    /** Name of the outbox table, default {@value TableName#DEFAULT_OUTBOX_TABLE}; used in the table modes. */
    public Builder table(String table) {
      this.table = SqlIdentifier.of("table", table);
      return this;
    }

    /**
     * The prefix of the logical messages read in {@link WriteMode#WAL_MESSAGE}, default {@value
     * OutboxReplication#DEFAULT_WAL_MESSAGE_PREFIX}; must be the writer's. 1 to 255 letters, digits, '_', '.'
     * or '-'. Ignored in the table modes.
     */
    public Builder walMessagePrefix(String prefix) {
      if (prefix == null || !prefix.matches("[A-Za-z0-9_.\\-]{1,255}")) {
        throw new OutboxConfigurationException("walMessagePrefix '" + prefix
            + "' is not accepted: use 1 to 255 letters, digits, '_', '.' or '-' (the writer's rule)");
      }
      this.walMessagePrefix = prefix;
      return this;
    }

    /**
     * Schema of the relay's own tables ({@code outboxkit_relay_offset}, {@code outboxkit_relay_heartbeat});
     * default: the outbox table's schema ({@code public} in WAL-message mode).
     */
    public Builder relaySchema(String schema) {
      this.relaySchema = SqlIdentifier.of("relaySchema", schema);
      return this;
    }

    /**
     * The logical replication slot, default {@value OutboxReplication#DEFAULT_SLOT}; lower-case letters,
     * digits and underscores. Relays sharing a slot elect one active instance; the position stored is per
     * slot.
     */
    public Builder replicationSlot(String replicationSlot) {
      this.replicationSlot = OutboxReplication.requireName("replicationSlot", replicationSlot);
      return this;
    }

    /**
     * The publication, default {@value OutboxReplication#DEFAULT_PUBLICATION}; lower-case letters, digits
     * and underscores.
     */
    public Builder publication(String publication) {
      this.publication = OutboxReplication.requireName("publication", publication);
      return this;
    }

    /** Prefix of every event topic, default {@value #DEFAULT_TOPIC_PREFIX}; may be empty. */
    public Builder topicPrefix(String topicPrefix) {
      if (topicPrefix == null || !TOPIC_CHARS.matcher(topicPrefix).matches() || topicPrefix.length() > 200) {
        throw new OutboxConfigurationException("topicPrefix '" + topicPrefix
            + "' is not accepted: Kafka topic names use letters, digits, '.', '_' and '-' (at most 200 here)");
      }
      this.topicPrefix = topicPrefix;
      return this;
    }

    /**
     * Topic for events the relay cannot publish (the broker rejects them for good: too large, invalid topic
     * name; or they cannot be read as events), default {@value #DEFAULT_DEAD_LETTER_TOPIC}. Dead letters carry
     * the {@link io.outboxkit.core.DeadLetterHeaders}. Events and dead letters never share a topic: an event
     * whose topic would be this one (its aggregate type is this name after the topic prefix) is sent here as a
     * dead letter, not published as an event; the relay warns at start when the names allow that.
     */
    public Builder deadLetterTopic(String topic) {
      if (topic == null || topic.isEmpty() || !TOPIC_CHARS.matcher(topic).matches() || topic.length() > 249) {
        throw new OutboxConfigurationException("deadLetterTopic '" + topic
            + "' is not a valid Kafka topic name (letters, digits, '.', '_', '-'; 1-249 characters)");
      }
      this.deadLetterTopic = topic;
      return this;
    }

    /** Kafka's {@code bootstrap.servers}. Required. */
    public Builder bootstrapServers(String bootstrapServers) {
      if (bootstrapServers == null || bootstrapServers.isBlank()) {
        throw new OutboxConfigurationException("bootstrapServers must list at least one host:port");
      }
      this.bootstrapServers = bootstrapServers;
      return this;
    }

    /**
     * One Kafka producer property, applied over the relay's defaults ({@link
     * OutboxRelay#DEFAULT_PRODUCER_PROPERTIES}: {@code acks=all}, {@code enable.idempotence=true}, {@code
     * linger.ms=5}, {@code batch.size=262144}, {@code compression.type=lz4}, {@code max.block.ms=10000}).
     * Security settings ({@code security.protocol}, {@code sasl.*}, {@code ssl.*}) go here. {@code acks} and {@code enable.idempotence} cannot be weakened: they are what keeps
     * delivery complete and ordered. Serializers are the relay's own.
     */
    public Builder producerProperty(String name, Object value) {
      Objects.requireNonNull(value, "value");
      if (name == null || name.isBlank()) {
        throw new OutboxConfigurationException("producer property name must not be blank");
      }
      if (OWNED_PRODUCER_PROPERTIES.contains(name)) {
        throw new OutboxConfigurationException("producer property '" + name + "' is set by the relay"
            + (ProducerConfig.BOOTSTRAP_SERVERS_CONFIG.equals(name) ? ": use bootstrapServers(..)" : ""));
      }
      String text = String.valueOf(value).trim();
      if (ProducerConfig.ACKS_CONFIG.equals(name) && !("all".equals(text) || "-1".equals(text))) {
        throw new OutboxConfigurationException("producer property acks=" + text
            + " would let the relay commit events a broker failure can still lose: only acks=all is accepted");
      }
      if (ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG.equals(name) && !"true".equalsIgnoreCase(text)) {
        throw new OutboxConfigurationException("producer property enable.idempotence=" + text
            + " would let retries reorder or duplicate events within a partition: only true is accepted");
      }
      producerProperties.put(name, value);
      return this;
    }

    /** Several producer properties; see {@link #producerProperty(String, Object)}. */
    public Builder producerProperties(Map<String, ?> properties) {
      properties.forEach(this::producerProperty);
      return this;
    }

    /**
     * One Debezium connector or engine property, applied over the relay's defaults (for example {@code
     * max.batch.size}, {@code poll.interval.ms}, {@code status.update.interval.ms}, {@code
     * database.sslmode}). Properties that define what the relay reads and where it keeps its position
     * ({@code slot.name}, {@code table.include.list}, {@code offset.storage}, ...) have their own setters and
     * are refused here.
     */
    public Builder debeziumProperty(String name, String value) {
      Objects.requireNonNull(value, "value");
      if (name == null || name.isBlank()) {
        throw new OutboxConfigurationException("Debezium property name must not be blank");
      }
      if (EngineProperties.isOwned(name)) {
        throw new OutboxConfigurationException("Debezium property '" + name
            + "' is set by the relay from its own settings; use the builder's setter for it");
      }
      debeziumProperties.put(name, value);
      return this;
    }

    /**
     * How often the relay writes a heartbeat row, default 10 s; {@link Duration#ZERO} turns heartbeats off.
     * While the outbox is quiet and other tables are busy, heartbeats let the replication slot advance, so
     * PostgreSQL can recycle WAL; without them the slot holds WAL until the next event. Each heartbeat must
     * also come back through the relay's own stream (see {@link #stallTimeout(Duration)}): without
     * heartbeats a stream that stops delivering is not detected.
     */
    public Builder heartbeatInterval(Duration interval) {
      requireNotNegative("heartbeatInterval", interval);
      if (!interval.isZero() && interval.toMillis() < 100) {
        throw new OutboxConfigurationException("heartbeatInterval " + interval + " is below 100 ms");
      }
      this.heartbeatInterval = interval;
      return this;
    }

    /**
     * How long a heartbeat may take to come back through the stream while no batch is acknowledged either,
     * default 30 s; after that the relay reports {@link RelayState#STALLED} (not healthy) with what it saw,
     * until heartbeats come back. A relay working through a backlog acknowledges batches, so it is not
     * stalled. At least 1 s.
     */
    public Builder stallTimeout(Duration timeout) {
      requireNotNegative("stallTimeout", timeout);
      if (timeout.toMillis() < 1000) {
        throw new OutboxConfigurationException("stallTimeout " + timeout + " is below 1 s");
      }
      this.stallTimeout = timeout;
      return this;
    }

    /**
     * How often the relay stores its position (only ever the position of acknowledged records) and
     * confirms it to the slot, default 1 s. Publishing pauses for that write (one short transaction). After a
     * crash, events acknowledged within the last interval are sent again; {@link OutboxRelay#close()} stores
     * the last position whatever the interval.
     */
    public Builder offsetFlushInterval(Duration interval) {
      requireNotNegative("offsetFlushInterval", interval);
      this.offsetFlushInterval = interval;
      return this;
    }

    /**
     * Rewrites the relay's reasons (its status, its log lines, the reason header of its dead letters) before they
     * are shown. The relay's messages name this builder's methods ("check username(..) and password(..)"); an
     * integration that configures the relay from settings of its own (Spring Boot's {@code outbox.relay.*}
     * properties, say) gives a function that names those instead. Default: unchanged.
     */
    public Builder messages(UnaryOperator<String> rewrite) {
      this.messages = Objects.requireNonNull(rewrite, "messages");
      return this;
    }

    /**
     * Whether to elect one active instance per slot with a PostgreSQL advisory lock (default true). Turn it
     * off only when something else guarantees a single instance; two active instances on one slot fail.
     */
    public Builder highAvailability(boolean enabled) {
      this.highAvailability = enabled;
      return this;
    }

    /**
     * A Micrometer {@code MeterRegistry} for the relay's metrics (optional; Micrometer must be on the class
     * path). Typed {@code Object} so that the relay does not require Micrometer.
     */
    public Builder meterRegistry(Object meterRegistry) {
      this.meterRegistry = MeterRegistries.require("meterRegistry", meterRegistry);
      return this;
    }

    /**
     * Whether to make a producer span for each published event that carries its writer's trace context, when
     * opentelemetry-api is on the class path. Default {@code true}; without OpenTelemetry, or with its no-op
     * tracer provider, the relay makes no spans and does no tracing work per record.
     *
     * <p>The span ({@code send <topic>}, kind {@code PRODUCER}) is a child of the writer's span, and its own
     * context replaces the stored one in the record's {@code traceparent}/{@code tracestate} headers, so that
     * a consumer's span is its child. Events written without a trace context get no span and no trace
     * headers.
     */
    public Builder tracing(boolean enabled) {
      this.tracing = enabled;
      return this;
    }

    /**
     * The OpenTelemetry instance whose tracer makes the producer spans. Default {@code GlobalOpenTelemetry.get()},
     * looked up when the relay starts streaming.
     */
    public Builder openTelemetry(OpenTelemetry openTelemetry) {
      this.openTelemetry = Objects.requireNonNull(openTelemetry, "openTelemetry");
      return this;
    }

    /**
     * Builds the relay without touching the database or the broker.
     *
     * @throws OutboxConfigurationException if a required setting is missing
     */
    public OutboxRelay build() {
      validate();
      return new DebeziumOutboxRelay(RelaySettings.from(this));
    }

    /** The checks of {@link #build()}, also for {@link KafkaConnectConfig}. */
    void validate() {
      if (host == null || database == null) {
        throw new OutboxConfigurationException(
            "the database is not set: call jdbcUrl(..) or database(host, port, name)");
      }
      if (username == null) {
        throw new OutboxConfigurationException("username is not set");
      }
      if (bootstrapServers == null) {
        throw new OutboxConfigurationException("bootstrapServers is not set");
      }
    }

    private static void requireNotNegative(String setting, Duration value) {
      if (value == null || value.isNegative()) {
        throw new OutboxConfigurationException(setting + " must be zero or positive, was " + value);
      }
    }
  }
}
