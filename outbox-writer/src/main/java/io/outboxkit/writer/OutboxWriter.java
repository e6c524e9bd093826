package io.outboxkit.writer;

import io.outboxkit.core.OutboxConfigurationException;
import io.outboxkit.core.OutboxEvent;
import io.outboxkit.core.OutboxReplication;
import io.outboxkit.core.TableName;
import io.outboxkit.core.WriteMode;
import io.outboxkit.core.internal.MeterRegistries;
import java.sql.Connection;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.UUID;
import java.util.regex.Pattern;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;

/**
 * Writes events to the outbox in the caller's database transaction, so that an event is published if and
 * only if the business change it describes commits.
 *
 * <h2>Which transaction</h2>
 * <ul>
 *   <li>The forms that take a {@link Connection} write on that connection, in the transaction in progress
 *       on it. The connection must not be in auto-commit mode (unless
 *       {@link Builder#allowWritesOutsideTransaction(boolean)} is on); the writer never commits, rolls back
 *       or closes it.
 *   <li>The other forms join the Spring-managed transaction bound to the current thread for the writer's
 *       {@link DataSource} (a {@code @Transactional} method or a {@code TransactionTemplate} with a
 *       {@code DataSourceTransactionManager}, or any transaction manager that binds a JDBC connection of that
 *       DataSource, such as {@code JpaTransactionManager}). That needs spring-jdbc on the class path; the
 *       writer must be built with the same DataSource object the transaction manager uses.
 *   <li>With no such transaction the writer throws {@link NoTransactionException}, unless
 *       {@link Builder#allowWritesOutsideTransaction(boolean)} is on: then each call runs in a short
 *       transaction of its own, committed before the call returns. Without Spring on the class path, the
 *       DataSource forms work only that way.
 * </ul>
 *
 * <h2>What is written</h2>
 * Each event gets a new id, a time-ordered UUID version 7 (monotonic within the JVM). The payload is turned
 * into JSON by the configured {@link PayloadSerializer} (a {@code String} is taken as JSON text and must be
 * valid JSON); a null payload is stored as SQL NULL. With OpenTelemetry on the class path and a valid current
 * span, the span's W3C trace context is stored with the event. See {@link WriteMode} for where the event goes.
 * With a {@link Builder#meterRegistry meter registry}, written events are counted.
 *
 * <h2>Failures</h2>
 * Input that cannot be written (a missing or too long field, a payload that cannot be serialized, is not
 * valid JSON or is over the size limit) throws {@link io.outboxkit.core.InvalidEventException} before
 * anything is sent to the database, naming the field; a database that cannot be reached, or a connection
 * that broke, throws {@link io.outboxkit.core.ServerUnavailableException}; other failures throw
 * {@link io.outboxkit.core.OutboxException}. Either way nothing of the call was written and the caller's
 * transaction must be rolled back (Spring does this for unchecked exceptions); after a failure reported by
 * PostgreSQL the transaction cannot go on anyway.
 *
 * <p>Implementations are immutable and thread-safe; build one writer per outbox table and share it.
 */
public interface OutboxWriter {

  /** The default limit on a payload's size: 1 MiB (1,048,576 bytes) of UTF-8 JSON, Kafka's default. */
  int DEFAULT_MAX_PAYLOAD_BYTES = 1_048_576;

  /**
   * Writes one event in the current transaction (see the class description).
   *
   * @param aggregateType the kind of aggregate, chooses the topic; not blank, at most 255 characters
   * @param aggregateId the aggregate's id, the Kafka key; not blank, at most 255 characters
   * @param eventType the event's type; not blank, at most 255 characters
   * @param payload the event body, or null for none
   * @return the event id
   */
  UUID publish(String aggregateType, String aggregateId, String eventType, @Nullable Object payload);

  /** Writes one event, with its extra headers, in the current transaction. Returns the event id. */
  UUID publish(OutboxEvent event);

  /**
   * Writes events in the current transaction, with one JDBC batch (one statement in
   * {@link WriteMode#WAL_MESSAGE}). All are checked before any is written.
   *
   * @return the event ids, in the order of the events
   */
  List<UUID> publishAll(Collection<OutboxEvent> events);

  /** Like {@link #publish(String, String, String, Object)}, in the transaction in progress on {@code connection}. */
  UUID publish(Connection connection, String aggregateType, String aggregateId, String eventType,
      @Nullable Object payload);

  /** Like {@link #publish(OutboxEvent)}, in the transaction in progress on {@code connection}. */
  UUID publish(Connection connection, OutboxEvent event);

  /** Like {@link #publishAll(Collection)}, in the transaction in progress on {@code connection}. */
  List<UUID> publishAll(Connection connection, Collection<OutboxEvent> events);

  /**
   * A builder for a writer on {@code dataSource}: the DataSource the caller's transactions use (the one
   * given to the Spring transaction manager), and where calls outside a transaction get their connections
   * when that is allowed.
   */
  static Builder builder(DataSource dataSource) {
    if (dataSource == null) {
      throw new OutboxConfigurationException("OutboxWriter.builder needs the DataSource of your transactions");
    }
    return new Builder(dataSource);
  }

  /**
   * Configures an {@link OutboxWriter}. Every setter checks its value at once. Not thread-safe; the writer it
   * builds is.
   */
  final class Builder {

    private static final Pattern PREFIX = Pattern.compile("[A-Za-z0-9_.\\-]{1,255}");

    final DataSource dataSource;
    String schema = TableName.DEFAULT_SCHEMA;
    String table = TableName.DEFAULT_OUTBOX_TABLE;
    WriteMode mode = WriteMode.TABLE;
    String walMessagePrefix = OutboxReplication.DEFAULT_WAL_MESSAGE_PREFIX;
    PayloadSerializer serializer = PayloadSerializer.jackson();
    int maxPayloadBytes = DEFAULT_MAX_PAYLOAD_BYTES;
    boolean allowWritesOutsideTransaction;
    boolean traceContextPropagation = true;
    @Nullable Object meterRegistry;

    private Builder(DataSource dataSource) {
      this.dataSource = dataSource;
    }

    /** The outbox table's schema. Default {@code public}. Letters, digits and underscores only. */
    public Builder schema(String schema) {
      this.schema = TableName.of("OutboxWriter schema", schema, "OutboxWriter table", table).schema().name();
      return this;
    }

    /** The outbox table. Default {@code outbox_event}. Letters, digits and underscores only. */
    public Builder table(String table) {
      this.table = TableName.of("OutboxWriter schema", schema, "OutboxWriter table", table).table().name();
      return this;
    }

    /** Where events go. Default {@link WriteMode#TABLE}. */
    public Builder mode(WriteMode mode) {
      if (mode == null) {
        throw new OutboxConfigurationException("OutboxWriter mode must not be null: choose one of "
            + List.of(WriteMode.values()));
      }
      this.mode = mode;
      return this;
    }

    /**
     * The prefix of the logical messages in {@link WriteMode#WAL_MESSAGE}; the relay must be configured with
     * the same prefix. Default {@code outboxkit}. Letters, digits, {@code _}, {@code .} and {@code -}, at
     * most 255 characters. Ignored in the table modes.
     */
    public Builder walMessagePrefix(String prefix) {
      if (prefix == null || !PREFIX.matcher(prefix).matches()) {
        throw new OutboxConfigurationException("OutboxWriter walMessagePrefix has the value '" + prefix
            + "', which is not accepted: use 1 to 255 letters, digits, '_', '.' or '-' (default '"
            + OutboxReplication.DEFAULT_WAL_MESSAGE_PREFIX + "')");
      }
      this.walMessagePrefix = prefix;
      return this;
    }

    /** Turns payloads into JSON. Default {@link PayloadSerializer#jackson()}. */
    public Builder serializer(PayloadSerializer serializer) {
      this.serializer = Objects.requireNonNull(serializer, "OutboxWriter serializer must not be null");
      return this;
    }

    /**
     * The largest payload accepted, in bytes of UTF-8 JSON; a larger one is rejected when it is written,
     * rather than later by Kafka. Default {@value OutboxWriter#DEFAULT_MAX_PAYLOAD_BYTES} (1 MiB, Kafka's
     * default maximum message size). Raise it together with the broker's and the relay producer's limits.
     */
    public Builder maxPayloadBytes(int maxPayloadBytes) {
      if (maxPayloadBytes < 1) {
        throw new OutboxConfigurationException("OutboxWriter maxPayloadBytes is " + maxPayloadBytes
            + ": give a positive number of bytes (default " + DEFAULT_MAX_PAYLOAD_BYTES + ")");
      }
      this.maxPayloadBytes = maxPayloadBytes;
      return this;
    }

    /**
     * Whether the writer may write when no transaction is in progress. Default {@code false}: it throws
     * {@link NoTransactionException}, because an event written outside the business transaction defeats
     * the outbox. When on, a call with no transaction runs in a short transaction of its own (on a connection
     * of the DataSource, or on the given auto-commit connection), committed before the call returns.
     */
    public Builder allowWritesOutsideTransaction(boolean allow) {
      this.allowWritesOutsideTransaction = allow;
      return this;
    }

    /**
     * Whether to store the current OpenTelemetry span's W3C trace context with each event, when
     * opentelemetry-api is on the class path and a valid span is current. Default {@code true}.
     */
    public Builder traceContextPropagation(boolean enabled) {
      this.traceContextPropagation = enabled;
      return this;
    }

    /**
     * A Micrometer {@code MeterRegistry} for the writer's counter {@code outboxkit.writer.events}, tagged
     * {@code aggregate.type} (optional; Micrometer must be on the class path). Typed {@code Object} so that the
     * writer does not require Micrometer. Events are counted when the call that writes them succeeds, that is
     * before the caller's transaction commits: events of a transaction rolled back afterwards are counted too
     * (the relay's {@code outboxkit.relay.events} counts what committed). Default none: nothing is counted.
     *
     * @throws OutboxConfigurationException if it is not a {@code MeterRegistry}
     */
    public Builder meterRegistry(Object meterRegistry) {
      this.meterRegistry = MeterRegistries.require("OutboxWriter meterRegistry", meterRegistry);
      return this;
    }

    /** Builds the writer. */
    public OutboxWriter build() {
      return new JdbcOutboxWriter(this);
    }
  }
}
