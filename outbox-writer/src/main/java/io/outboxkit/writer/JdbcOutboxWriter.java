package io.outboxkit.writer;

import io.outboxkit.core.InvalidEventException;
import io.outboxkit.core.OutboxEvent;
import io.outboxkit.core.OutboxException;
import io.outboxkit.core.TableName;
import io.outboxkit.core.internal.JdbcTransactions;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.UUID;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The {@link OutboxWriter}: checks and encodes events first, then runs the mode's statements. */
final class JdbcOutboxWriter implements OutboxWriter {

  private static final Logger log = LoggerFactory.getLogger(OutboxWriter.class);

  private final DataSource dataSource;
  private final EventEncoder encoder;
  private final OutboxStatements statements;
  private final @Nullable CallerTransactions callerTransactions;
  private final boolean allowWritesOutsideTransaction;
  private final TraceContextSource traceContext;
  private final SqlFailures failures;
  private final Metrics metrics;

  JdbcOutboxWriter(Builder settings) {
    this.dataSource = settings.dataSource;
    this.encoder = new EventEncoder(settings.serializer, settings.maxPayloadBytes, UuidV7Generator.SHARED);
    TableName table = TableName.of("OutboxWriter schema", settings.schema, "OutboxWriter table", settings.table);
    this.statements = switch (settings.mode) {
      case TABLE -> new TableStatements(table, false);
      case TABLE_DELETE_AFTER_INSERT -> new TableStatements(table, true);
      case WAL_MESSAGE -> new WalMessageStatements(settings.walMessagePrefix);
    };
    this.callerTransactions = CallerTransactions.detect(dataSource);
    this.allowWritesOutsideTransaction = settings.allowWritesOutsideTransaction;
    this.traceContext = TraceContextSource.detect(settings.traceContextPropagation);
    this.failures = new SqlFailures(table, settings.mode);
    this.metrics = Metrics.create(settings.meterRegistry);
    log.info("OutboxWriter ready: mode {}, {}, Spring transactions {}, writes outside a transaction {},"
            + " trace context {}, max payload {} bytes, meters {}", settings.mode, statements.target(),
        callerTransactions == null ? "not available" : "joined",
        allowWritesOutsideTransaction ? "allowed" : "rejected",
        traceContext == TraceContextSource.NONE ? "off" : "from OpenTelemetry", settings.maxPayloadBytes,
        metrics == Metrics.NONE ? "off" : MicrometerMetrics.EVENTS);
  }

  @Override
  public UUID publish(String aggregateType, String aggregateId, String eventType, @Nullable Object payload) {
    return publish(OutboxEvent.of(aggregateType, aggregateId, eventType, payload));
  }

  @Override
  public UUID publish(OutboxEvent event) {
    return write(null, List.of(encoder.encode(event, traceContext.current()))).get(0);
  }

  @Override
  public List<UUID> publishAll(Collection<OutboxEvent> events) {
    return write(null, encodeAll(events));
  }

  @Override
  public UUID publish(Connection connection, String aggregateType, String aggregateId, String eventType,
      @Nullable Object payload) {
    return publish(connection, OutboxEvent.of(aggregateType, aggregateId, eventType, payload));
  }

  @Override
  public UUID publish(Connection connection, OutboxEvent event) {
    requireConnection(connection);
    return write(connection, List.of(encoder.encode(event, traceContext.current()))).get(0);
  }

  @Override
  public List<UUID> publishAll(Connection connection, Collection<OutboxEvent> events) {
    requireConnection(connection);
    return write(connection, encodeAll(events));
  }

  private List<EncodedEvent> encodeAll(@Nullable Collection<OutboxEvent> events) {
    if (events == null) {
      throw new InvalidEventException("events must not be null");
    }
    String context = traceContext.current();
    List<EncodedEvent> encoded = new ArrayList<>(events.size());
    int index = 0;
    for (OutboxEvent event : events) {
      encoded.add(encoder.encode(event, index++, context));
    }
    return encoded;
  }

  /** Writes checked events on the given connection, or on the caller's transaction for the DataSource. */
  private List<UUID> write(@Nullable Connection given, List<EncodedEvent> events) {
    if (events.isEmpty()) {
      return List.of();
    }
    try {
      if (given != null) {
        writeOn(given, events);
      } else {
        writeOnDataSource(events);
      }
    } catch (SQLException e) {
      throw failures.translate(e, events.size());
    }
    metrics.written(events);
    List<UUID> ids = new ArrayList<>(events.size());
    for (EncodedEvent event : events) {
      ids.add(event.id());
    }
    if (log.isDebugEnabled()) {
      if (events.size() == 1) {
        EncodedEvent event = events.get(0);
        log.debug("wrote outbox event id {}, aggregate type {}, aggregate id {}, type {}", event.id(),
            event.aggregateType(), event.aggregateId(), event.eventType());
      } else {
        log.debug("wrote {} outbox events, ids {} to {}", events.size(), ids.get(0), ids.get(ids.size() - 1));
      }
    }
    return Collections.unmodifiableList(ids);
  }

  private void writeOn(Connection connection, List<EncodedEvent> events) throws SQLException {
    if (!connection.getAutoCommit()) {
      statements.write(connection, events);
    } else if (allowWritesOutsideTransaction) {
      JdbcTransactions.run(connection, transaction -> statements.write(transaction, events));
    } else {
      throw new NoTransactionException("OutboxWriter was given a Connection in auto-commit mode, so there is no"
          + " transaction to write the event in: an event written outside the business transaction could be"
          + " published for a change that never commits. Call connection.setAutoCommit(false) before your"
          + " business statements and commit after publish, or allow it with"
          + " OutboxWriter.builder(..).allowWritesOutsideTransaction(true)");
    }
  }

  private void writeOnDataSource(List<EncodedEvent> events) throws SQLException {
    if (callerTransactions != null) {
      Connection connection = callerTransactions.join();
      if (connection != null) {
        try {
          statements.write(connection, events);
        } finally {
          callerTransactions.release(connection);
        }
        return;
      }
    }
    if (!allowWritesOutsideTransaction) {
      throw new NoTransactionException(noTransactionMessage());
    }
    try (Connection connection = dataSource.getConnection()) {
      JdbcTransactions.run(connection, transaction -> statements.write(transaction, events));
    }
  }

  private String noTransactionMessage() {
    String why = callerTransactions == null
        ? "spring-jdbc is not on the class path, so the writer cannot find your transaction from the DataSource"
        : callerTransactions.whyNone();
    return "OutboxWriter was called with no transaction in progress (" + why + "): an event written outside the"
        + " business transaction could be published for a change that never commits. Call it inside a"
        + " Spring-managed transaction on the writer's DataSource (@Transactional or TransactionTemplate),"
        + " pass your transaction's Connection to publish(Connection, ...), or allow writes outside a"
        + " transaction with OutboxWriter.builder(..).allowWritesOutsideTransaction(true)";
  }

  private static void requireConnection(@Nullable Connection connection) {
    if (connection == null) {
      throw new OutboxException("connection must not be null: pass the Connection of your transaction, or use"
          + " the forms without a Connection to join a Spring-managed transaction");
    }
  }
}
