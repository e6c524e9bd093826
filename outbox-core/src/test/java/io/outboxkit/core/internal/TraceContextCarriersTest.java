package io.outboxkit.core.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.context.Scope;
import io.outboxkit.core.OutboxHeaders;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;

/** The two carriers of a W3C trace context: Kafka headers, and the stored {@code tracingspancontext} text. */
class TraceContextCarriersTest {

  private static final String TRACE_ID = "0af7651916cd43dd8448eb211c80319c";
  private static final String SPAN_ID = "b7ad6b7169203331";
  private static final String TRACEPARENT = "00-" + TRACE_ID + "-" + SPAN_ID + "-01";

  @Test
  void headersGiveTheirLastValueAndTheSetterReplacesEveryValue() {
    RecordHeaders headers = new RecordHeaders();
    headers.add(OutboxHeaders.TRACEPARENT, "first".getBytes(StandardCharsets.UTF_8));
    headers.add(OutboxHeaders.TRACEPARENT, TRACEPARENT.getBytes(StandardCharsets.UTF_8));
    headers.add(OutboxHeaders.EVENT_TYPE, null);

    assertThat(KafkaTraceHeaders.lastValue(headers, OutboxHeaders.TRACEPARENT)).isEqualTo(TRACEPARENT);
    assertThat(KafkaTraceHeaders.GETTER.get(headers, OutboxHeaders.TRACEPARENT)).isEqualTo(TRACEPARENT);
    assertThat(KafkaTraceHeaders.lastValue(headers, OutboxHeaders.EVENT_TYPE)).isNull();
    assertThat(KafkaTraceHeaders.lastValue(headers, "absent")).isNull();
    assertThat(KafkaTraceHeaders.GETTER.get(null, OutboxHeaders.TRACEPARENT)).isNull();
    assertThat(KafkaTraceHeaders.GETTER.keys(headers))
        .containsExactly(OutboxHeaders.TRACEPARENT, OutboxHeaders.TRACEPARENT, OutboxHeaders.EVENT_TYPE);

    KafkaTraceHeaders.SETTER.set(headers, OutboxHeaders.TRACEPARENT, "replaced");
    List<String> values = new ArrayList<>();
    for (Header header : headers.headers(OutboxHeaders.TRACEPARENT)) {
      values.add(new String(header.value(), StandardCharsets.UTF_8));
    }
    assertThat(values).containsExactly("replaced");
  }

  @Test
  void theTraceContextInHeadersIsExtracted() {
    RecordHeaders headers = new RecordHeaders();
    headers.add(OutboxHeaders.TRACEPARENT, TRACEPARENT.getBytes(StandardCharsets.UTF_8));
    SpanContext context = Span.fromContext(KafkaTraceHeaders.extract(headers)).getSpanContext();
    assertThat(context.isValid()).isTrue();
    assertThat(context.getTraceId()).isEqualTo(TRACE_ID);
    assertThat(context.getSpanId()).isEqualTo(SPAN_ID);
    assertThat(context.isRemote()).isTrue();

    assertThat(Span.fromContext(KafkaTraceHeaders.extract(new RecordHeaders())).getSpanContext().isValid())
        .isFalse();
  }

  @Test
  void theCurrentContextIsStoredAndReadBack() {
    assertThat(OpenTelemetryContexts.current()).as("without a current span").isNull();
    SpanContext span = SpanContext.create(TRACE_ID, SPAN_ID, TraceFlags.getSampled(),
        TraceState.builder().put("vendor", "v1").build());
    String stored;
    try (Scope ignored = Span.wrap(span).makeCurrent()) {
      stored = OpenTelemetryContexts.current();
    }
    assertThat(stored).contains("traceparent=" + TRACEPARENT).contains("tracestate=vendor=v1");

    SpanContext read = Span.fromContext(OpenTelemetryContexts.extract(stored)).getSpanContext();
    assertThat(read.getTraceId()).isEqualTo(TRACE_ID);
    assertThat(read.getSpanId()).isEqualTo(SPAN_ID);
    assertThat(read.getTraceState().get("vendor")).isEqualTo("v1");
    assertThatThrownBy(() -> OpenTelemetryContexts.extract("traceparent=not-a-traceparent"))
        .isInstanceOf(RuntimeException.class);
  }
}
