package io.outboxkit.inbox.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import io.outboxkit.inbox.InboxOutcome;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class OpenTelemetryTracingTest {

  static final String TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736";
  static final String PARENT_ID = "00f067aa0ba902b7";
  static final String TRACEPARENT = "00-" + TRACE_ID + "-" + PARENT_ID + "-01";

  private final List<SpanData> spans = new CopyOnWriteArrayList<>();
  private final OpenTelemetrySdk otel = OpenTelemetrySdk.builder()
      .setTracerProvider(SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(exporter(spans)))
          .build())
      .build();

  @AfterEach
  void close() {
    otel.close();
  }

  @Test
  void recordWithTraceparentRunsInAConsumerSpanUnderThatContext() {
    RecordTracing tracing = RecordTracing.create(otel, "billing", "billing-group");
    ConsumerRecord<byte[], byte[]> record =
        MessageIdExtractorTest.record("{}", "id", "e-1", "traceparent", TRACEPARENT, "tracestate", "vendor=x");
    String seenTraceId;
    try (RecordTracing.TraceSpan span = tracing.startRecord(record)) {
      seenTraceId = Span.current().getSpanContext().getTraceId();
      span.outcome(InboxOutcome.PROCESSED);
    }
    assertThat(seenTraceId).isEqualTo(TRACE_ID);
    assertThat(spans).hasSize(1);
    SpanData span = spans.get(0);
    assertThat(span.getKind()).isEqualTo(SpanKind.CONSUMER);
    assertThat(span.getTraceId()).isEqualTo(TRACE_ID);
    assertThat(span.getParentSpanId()).isEqualTo(PARENT_ID);
    assertThat(span.getParentSpanContext().isRemote()).isTrue();
    assertThat(span.getParentSpanContext().getTraceState().get("vendor")).isEqualTo("x");
    assertThat(span.getName()).isEqualTo("process orders");
    assertThat(span.getAttributes().asMap().toString())
        .contains("messaging.system=kafka", "messaging.destination.name=orders", "messaging.kafka.offset=7",
            "messaging.consumer.group.name=billing-group", "messaging.message.id=e-1",
            "outboxkit.inbox.outcome=processed");
    assertThat(Span.current().getSpanContext().isValid()).isFalse();
  }

  @Test
  void failureIsRecordedOnTheSpan() {
    RecordTracing tracing = RecordTracing.create(otel, "billing", null);
    try (RecordTracing.TraceSpan span =
        tracing.startRecord(MessageIdExtractorTest.record("{}", "traceparent", TRACEPARENT))) {
      span.failed(new IllegalStateException("boom"));
    }
    assertThat(spans).singleElement().satisfies(span -> {
      assertThat(span.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
      assertThat(span.getEvents()).anySatisfy(event -> assertThat(event.getName()).isEqualTo("exception"));
    });
  }

  @Test
  void recordWithoutTraceparentGetsNoSpan() {
    RecordTracing tracing = RecordTracing.create(otel, "billing", null);
    try (RecordTracing.TraceSpan span = tracing.startRecord(MessageIdExtractorTest.record("{}", "id", "e-1"))) {
      assertThat(span).isSameAs(RecordTracing.TraceSpan.NONE);
    }
    assertThat(spans).isEmpty();
  }

  @Test
  void batchSpanLinksEveryRecordsContext() {
    RecordTracing tracing = RecordTracing.create(otel, "billing", null);
    String other = "00-11111111111111111111111111111111-2222222222222222-01";
    try (RecordTracing.TraceSpan span = tracing.startBatch(List.of(
        MessageIdExtractorTest.record("{}", "traceparent", TRACEPARENT),
        MessageIdExtractorTest.record("{}"),
        MessageIdExtractorTest.record("{}", "traceparent", other)))) {
      span.outcome(null);
    }
    assertThat(spans).singleElement().satisfies(span -> {
      assertThat(span.getKind()).isEqualTo(SpanKind.CONSUMER);
      assertThat(span.getParentSpanContext().isValid()).isFalse();
      assertThat(span.getLinks()).extracting(link -> link.getSpanContext().getTraceId())
          .containsExactly(TRACE_ID, "11111111111111111111111111111111");
    });
  }

  static SpanExporter exporter(List<SpanData> sink) {
    return new SpanExporter() {
      @Override
      public CompletableResultCode export(Collection<SpanData> batch) {
        sink.addAll(batch);
        return CompletableResultCode.ofSuccess();
      }

      @Override
      public CompletableResultCode flush() {
        return CompletableResultCode.ofSuccess();
      }

      @Override
      public CompletableResultCode shutdown() {
        return CompletableResultCode.ofSuccess();
      }
    };
  }
}
