package io.outboxkit.benchmarks;

import io.outboxkit.core.OutboxReplication;
import io.outboxkit.core.TracingSpanContext;
import io.outboxkit.core.WalMessageEnvelope;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;

/**
 * Writes the relay benchmarks' events in the caller's transaction, the same way for every relay that reads
 * the same source: rows of the outbox table in one JDBC batch, or WAL messages in one statement. Not
 * thread-safe: one per connection.
 */
interface EventSink extends AutoCloseable {

  /** Writes events {@code [fromSeq, fromSeq + count)}; the caller commits. */
  void write(long fromSeq, int count) throws SQLException;

  @Override
  void close() throws SQLException;

  static EventSink open(EventSource source, Connection connection) throws SQLException {
    return switch (source) {
      case TABLE -> new TableSink(connection, false);
      case TRACED_TABLE -> new TableSink(connection, true);
      case WAL_MESSAGE -> new WalMessageSink(connection);
    };
  }

  /**
   * {@code INSERT INTO public.outbox_event}, one JDBC batch per call; with {@code traced}, each row carries a
   * trace context of its own (a new trace id per event, as separate requests would give).
   */
  final class TableSink implements EventSink {

    private final PreparedStatement insert;
    private final boolean traced;

    TableSink(Connection connection, boolean traced) throws SQLException {
      this.traced = traced;
      insert = connection.prepareStatement("INSERT INTO public.outbox_event"
          + " (id, aggregatetype, aggregateid, type, payload, tracingspancontext) VALUES (?, ?, ?, ?, ?::jsonb, ?)");
    }

    @Override
    public void write(long fromSeq, int count) throws SQLException {
      long micros = nowMicros();
      for (long seq = fromSeq; seq < fromSeq + count; seq++) {
        insert.setObject(1, EventIds.next());
        insert.setString(2, Payloads.AGGREGATE_TYPE);
        insert.setString(3, Payloads.aggregateId(seq));
        insert.setString(4, Payloads.EVENT_TYPE);
        insert.setString(5, Payloads.json(seq, micros));
        insert.setString(6, traced ? traceContext(seq) : null);
        insert.addBatch();
      }
      insert.executeBatch();
    }

    @Override
    public void close() throws SQLException {
      insert.close();
    }

    /** A sampled W3C context in the outbox's column form: trace id from the sequence, a fixed parent span id. */
    static String traceContext(long seq) {
      return TracingSpanContext.format(String.format(Locale.ROOT, "00-%032x-00f067aa0ba902b7-01", seq + 1), null);
    }
  }

  /**
   * {@code pg_logical_emit_message(true, 'outboxkit', envelope)} for each event, the envelope being
   * OutboxKit's {@link WalMessageEnvelope}; all events of a call in one statement.
   */
  final class WalMessageSink implements EventSink {

    private final Connection connection;
    private final PreparedStatement emit;

    WalMessageSink(Connection connection) throws SQLException {
      this.connection = connection;
      emit = connection.prepareStatement("SELECT count(pg_catalog.pg_logical_emit_message(true, ?, m))"
          + " FROM unnest(?::text[]) AS m");
    }

    @Override
    public void write(long fromSeq, int count) throws SQLException {
      long micros = nowMicros();
      Instant now = Instant.now();
      String[] envelopes = new String[count];
      for (int i = 0; i < count; i++) {
        long seq = fromSeq + i;
        envelopes[i] = new WalMessageEnvelope(EventIds.next(), Payloads.AGGREGATE_TYPE, Payloads.aggregateId(seq),
            Payloads.EVENT_TYPE, Payloads.json(seq, micros), null, Map.of(), now).toJson();
      }
      Array array = connection.createArrayOf("text", envelopes);
      emit.setString(1, OutboxReplication.DEFAULT_WAL_MESSAGE_PREFIX);
      emit.setArray(2, array);
      try (ResultSet result = emit.executeQuery()) {
        result.next();
      }
      array.free();
    }

    @Override
    public void close() throws SQLException {
      emit.close();
    }
  }

  private static long nowMicros() {
    Instant now = Instant.now();
    return now.getEpochSecond() * 1_000_000 + now.getNano() / 1_000;
  }
}
