package io.outboxkit.relay;

import io.opentelemetry.api.GlobalOpenTelemetry;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanBuilder;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.api.trace.TracerProvider;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.opentelemetry.context.propagation.TextMapSetter;
import io.outboxkit.core.OutboxHeaders;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.header.Header;
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

  private static final AttributeKey<String> SYSTEM = AttributeKey.stringKey("messaging.system");
  private static final AttributeKey<String> OPERATION_TYPE = AttributeKey.stringKey("messaging.operation.type");
  private static final AttributeKey<String> OPERATION_NAME = AttributeKey.stringKey("messaging.operation.name");
  private static final AttributeKey<String> DESTINATION = AttributeKey.stringKey("messaging.destination.name");
  private static final AttributeKey<String> MESSAGE_ID = AttributeKey.stringKey("messaging.message.id");
  private static final AttributeKey<String> KEY = AttributeKey.stringKey("messaging.kafka.message.key");
  private static final AttributeKey<String> PARTITION =
      AttributeKey.stringKey("messaging.destination.partition.id");
  private static final AttributeKey<Long> OFFSET = AttributeKey.longKey("messaging.kafka.offset");
  private static final AttributeKey<String> EVENT_TYPE = AttributeKey.stringKey("outboxkit.event.type");
  private static final AttributeKey<Boolean> DEAD_LETTER = AttributeKey.booleanKey("outboxkit.relay.dead_letter");

  private static final TextMapGetter<Headers> GETTER = new TextMapGetter<>() {
    @Override
    public Iterable<String> keys(Headers carrier) {
      List<String> keys = new ArrayList<>();
      for (Header header : carrier) {
        keys.add(header.key());
      }
      return keys;
    }

    @Override
    public @Nullable String get(@Nullable Headers carrier, String key) {
      if (carrier == null) {
        return null;
      }
      Header header = carrier.lastHeader(key);
      return header == null || header.value() == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }
  };

  private static final TextMapSetter<Headers> SETTER = (carrier, key, value) -> {
    if (carrier != null) {
      carrier.remove(key);
      carrier.add(key, value.getBytes(StandardCharsets.UTF_8));
    }
  };

  private final Tracer tracer;

  private OpenTelemetryPublishTracing(Tracer tracer) {
    this.tracer = tracer;
  }

  static PublishTracing create(@Nullable Object openTelemetry) {
    OpenTelemetry otel = openTelemetry == null ? GlobalOpenTelemetry.get() : (OpenTelemetry) openTelemetry;
    TracerProvider provider = otel.getTracerProvider();
    if (provider == TracerProvider.noop()) {
      return NONE;
    }
    return new OpenTelemetryPublishTracing(provider.get(INSTRUMENTATION));
  }

  @Override
  public @Nullable PublishSpan start(RecordMapper.Event event) {
    ProducerRecord<byte[], byte[]> record = event.record();
    Headers headers = record.headers();
    if (headers.lastHeader(OutboxHeaders.TRACEPARENT) == null) {
      return null;
    }
    W3CTraceContextPropagator propagator = W3CTraceContextPropagator.getInstance();
    Context parent = propagator.extract(Context.root(), headers, GETTER);
    SpanBuilder builder = tracer.spanBuilder("send " + record.topic())
        .setParent(parent)
        .setSpanKind(SpanKind.PRODUCER)
        .setAttribute(SYSTEM, "kafka")
        .setAttribute(OPERATION_TYPE, "send")
        .setAttribute(OPERATION_NAME, "send")
        .setAttribute(DESTINATION, record.topic())
        .setAttribute(MESSAGE_ID, event.eventId())
        .setAttribute(EVENT_TYPE, GETTER.get(headers, OutboxHeaders.EVENT_TYPE));
    if (record.key() != null) {
      builder.setAttribute(KEY, new String(record.key(), StandardCharsets.UTF_8));
    }
    Span span = builder.startSpan();
    if (span.getSpanContext().isValid()) {
      headers.remove(OutboxHeaders.TRACESTATE); // the span's context carries its own trace state, if any
      propagator.inject(parent.with(span), headers, SETTER);
    }
    return new PublishSpan() {
      @Override
      public void acknowledged(@Nullable RecordMetadata metadata) {
        if (metadata != null) {
          span.setAttribute(PARTITION, Integer.toString(metadata.partition()));
          if (metadata.hasOffset()) {
            span.setAttribute(OFFSET, metadata.offset());
          }
        }
        span.end();
      }

      @Override
      public void deadLettered(Throwable failure) {
        span.setAttribute(DEAD_LETTER, true);
        span.recordException(failure);
        span.setStatus(StatusCode.ERROR, failure.getClass().getName());
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
