package io.outboxkit.writer;

import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.api.trace.TraceStateBuilder;
import io.opentelemetry.context.Scope;
import io.outboxkit.core.OutboxReplication;
import io.outboxkit.core.TracingSpanContext;
import io.outboxkit.core.WalMessageEnvelope;
import io.outboxkit.core.WriteMode;
import io.outboxkit.test.OutboxIntegrationTest;
import io.outboxkit.test.TestDatabase;
import java.io.StringReader;
import java.sql.Connection;
import java.util.Properties;
import org.junit.jupiter.api.Test;

/** The current OpenTelemetry span's W3C context is stored in the form Debezium's ActivateTracingSpan reads. */
@OutboxIntegrationTest
class TracingIT {

  private static final String TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736";
  private static final String SPAN_ID = "00f067aa0ba902b7";

  @Test
  void theCurrentSpansContextIsStoredAsPropertiesText(TestDatabase db) throws Exception {
    OutboxRows.installTable(db.dataSource());
    OutboxWriter writer = OutboxWriter.builder(db.dataSource()).allowWritesOutsideTransaction(true).build();
    TraceState state = TraceState.builder().put("rojo", "00f067aa0ba902b7").put("congo", "t61rcWkgMzE").build();

    try (Scope ignored = span(state).makeCurrent()) {
      writer.publish("order", "1", "OrderCreated", "{}");
    }
    writer.publish("order", "2", "OrderCreated", "{}"); // no current span

    var rows = OutboxRows.read(db.dataSource());
    String stored = rows.get(0).tracingSpanContext();
    Properties properties = new Properties(); // what Debezium's ActivateTracingSpan does with the column
    properties.load(new StringReader(stored));
    assertThat(properties.getProperty("traceparent")).isEqualTo("00-" + TRACE_ID + "-" + SPAN_ID + "-01");
    assertThat(properties.getProperty("tracestate")).isEqualTo("congo=t61rcWkgMzE,rojo=00f067aa0ba902b7");
    assertThat(rows.get(1).tracingSpanContext()).isNull();
  }

  @Test
  void aTraceStateTooLongForTheColumnIsShortenedAndTheTraceparentKept(TestDatabase db) throws Exception {
    OutboxRows.installTable(db.dataSource());
    OutboxWriter writer = OutboxWriter.builder(db.dataSource()).allowWritesOutsideTransaction(true).build();
    TraceStateBuilder state = TraceState.builder();
    for (int i = 0; i < 30; i++) {
      state.put("vendor" + i, "v".repeat(200));
    }

    try (Scope ignored = span(state.build()).makeCurrent()) {
      writer.publish("order", "1", "OrderCreated", "{}");
    }

    String stored = OutboxRows.read(db.dataSource()).get(0).tracingSpanContext();
    assertThat(stored.length()).isLessThanOrEqualTo(512);
    assertThat(TracingSpanContext.parse(stored).get("traceparent")).isEqualTo("00-" + TRACE_ID + "-" + SPAN_ID + "-01");
  }

  @Test
  void propagationCanBeTurnedOff(TestDatabase db) throws Exception {
    OutboxRows.installTable(db.dataSource());
    OutboxWriter writer = OutboxWriter.builder(db.dataSource()).allowWritesOutsideTransaction(true)
        .traceContextPropagation(false).build();

    try (Scope ignored = span(TraceState.getDefault()).makeCurrent()) {
      writer.publish("order", "1", "OrderCreated", "{}");
    }

    assertThat(OutboxRows.read(db.dataSource()).get(0).tracingSpanContext()).isNull();
  }

  @Test
  void theWalMessageEnvelopeCarriesTheContextToo(TestDatabase db) throws Exception {
    LogicalSlot slot = LogicalSlot.testDecoding(db);
    OutboxWriter writer = OutboxWriter.builder(db.dataSource()).mode(WriteMode.WAL_MESSAGE).build();

    try (Scope ignored = span(TraceState.getDefault()).makeCurrent();
         Connection connection = db.openConnection()) {
      connection.setAutoCommit(false);
      writer.publish(connection, "order", "1", "OrderCreated", "{}");
      connection.commit();
    }

    WalMessageEnvelope envelope = WalMessageEnvelope.fromJson(
        slot.testDecodingMessages(OutboxReplication.DEFAULT_WAL_MESSAGE_PREFIX).get(0));
    assertThat(envelope.tracingSpanContext()).isEqualTo("traceparent=00-" + TRACE_ID + "-" + SPAN_ID + "-01\n");
  }

  private static Span span(TraceState state) {
    return Span.wrap(SpanContext.create(TRACE_ID, SPAN_ID, TraceFlags.getSampled(), state));
  }
}
