package io.outboxkit.relay;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanBuilder;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.outboxkit.core.OutboxHeaders;
import io.outboxkit.core.internal.KafkaTraceHeaders;
import io.outboxkit.core.internal.OpenTelemetrySpans;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.header.Headers;
import org.jspecify.annotations.Nullable;

/**
 * PRODUCER spans following OpenTelemetry's messaging conventions: {@code send <topic>}, parented by the trace
 * context the writer stored with the event (which {@link RecordMapper} put into the record's headers), whose
 * {@code traceparent}/{@code tracestate} headers are then replaced by the span's own context so that a
 * consumer's span becomes the child of the relay's. Loaded only when opentelemetry-api is present.
 */
final class OpenTelemetryPublishTracing implements PublishTracing {

  static final String INSTRUMENTATION = "io.outboxkit.relay";

  private static final AttributeKey<String> EVENT_TYPE = AttributeKey.stringKey("outboxkit.event.type");
  private static final AttributeKey<Boolean> DEAD_LETTER = AttributeKey.booleanKey("outboxkit.relay.dead_letter");

  private final Tracer tracer;

  private OpenTelemetryPublishTracing(Tracer tracer) {
    this.tracer = tracer;
  }

  static PublishTracing create(@Nullable Object openTelemetry) {
    Tracer tracer = OpenTelemetrySpans.tracerUnlessNoop(openTelemetry, INSTRUMENTATION);
    return tracer == null ? NONE : new OpenTelemetryPublishTracing(tracer);
  }

  @Override
  public @Nullable PublishSpan start(RecordMapper.Event event) {
    ProducerRecord<byte[], byte[]> record = event.record();
    Headers headers = record.headers();
    if (headers.lastHeader(OutboxHeaders.TRACEPARENT) == null) {
      return null;
    }
    Context parent = KafkaTraceHeaders.extract(headers);
    SpanBuilder builder = tracer.spanBuilder("send " + record.topic())
        .setParent(parent)
        .setSpanKind(SpanKind.PRODUCER)
        .setAttribute(OpenTelemetrySpans.SYSTEM, OpenTelemetrySpans.KAFKA)
        .setAttribute(OpenTelemetrySpans.OPERATION_TYPE, "send")
        .setAttribute(OpenTelemetrySpans.OPERATION_NAME, "send")
        .setAttribute(OpenTelemetrySpans.DESTINATION, record.topic())
        .setAttribute(OpenTelemetrySpans.MESSAGE_ID, event.eventId())
        .setAttribute(EVENT_TYPE, KafkaTraceHeaders.lastValue(headers, OutboxHeaders.EVENT_TYPE));
    if (record.key() != null) {
      builder.setAttribute(OpenTelemetrySpans.KEY, new String(record.key(), StandardCharsets.UTF_8));
    }
    Span span = builder.startSpan();
    if (span.getSpanContext().isValid()) {
      headers.remove(OutboxHeaders.TRACESTATE); // the span's context carries its own trace state, if any
      W3CTraceContextPropagator.getInstance().inject(parent.with(span), headers, KafkaTraceHeaders.SETTER);
    }
    return new PublishSpan() {
      @Override
      public void acknowledged(@Nullable RecordMetadata metadata) {
        if (metadata != null) {
          span.setAttribute(OpenTelemetrySpans.PARTITION, Integer.toString(metadata.partition()));
          if (metadata.hasOffset()) {
            span.setAttribute(OpenTelemetrySpans.OFFSET, metadata.offset());
          }
        }
        span.end();
      }

      @Override
      public void deadLettered(Throwable failure) {
        span.setAttribute(DEAD_LETTER, true);
        OpenTelemetrySpans.failed(span, failure);
        span.end();
      }

      @Override
      public void abandoned() {
        span.setStatus(StatusCode.ERROR,
            "the relay stopped before the broker acknowledged; the record is sent again on the next start");
        span.end();
      }
    };
  }
}
