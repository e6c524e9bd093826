package io.outboxkit.inbox.kafka;

import io.opentelemetry.api.GlobalOpenTelemetry;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanBuilder;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.outboxkit.core.OutboxHeaders;
import io.outboxkit.inbox.InboxOutcome;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.jspecify.annotations.Nullable;

/**
 * CONSUMER spans following OpenTelemetry's messaging conventions, parented by the W3C trace context that
 * the relay copied from the outbox row into the {@code traceparent}/{@code tracestate} headers.
 */
final class OpenTelemetryTracing implements RecordTracing {

  static final String INSTRUMENTATION = "io.outboxkit.inbox";

  private static final AttributeKey<String> SYSTEM = AttributeKey.stringKey("messaging.system");
  private static final AttributeKey<String> OPERATION_TYPE = AttributeKey.stringKey("messaging.operation.type");
  private static final AttributeKey<String> OPERATION_NAME = AttributeKey.stringKey("messaging.operation.name");
  private static final AttributeKey<String> DESTINATION = AttributeKey.stringKey("messaging.destination.name");
  private static final AttributeKey<String> PARTITION =
      AttributeKey.stringKey("messaging.destination.partition.id");
  private static final AttributeKey<Long> OFFSET = AttributeKey.longKey("messaging.kafka.offset");
  private static final AttributeKey<String> GROUP = AttributeKey.stringKey("messaging.consumer.group.name");
  private static final AttributeKey<String> MESSAGE_ID = AttributeKey.stringKey("messaging.message.id");
  private static final AttributeKey<Long> BATCH_COUNT = AttributeKey.longKey("messaging.batch.message_count");
  private static final AttributeKey<String> CONSUMER = AttributeKey.stringKey("outboxkit.inbox.consumer");
  private static final AttributeKey<String> OUTCOME = AttributeKey.stringKey("outboxkit.inbox.outcome");

  private static final TextMapGetter<Headers> HEADERS = new TextMapGetter<>() {
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

  private final Tracer tracer;
  private final String consumerName;
  private final @Nullable String groupId;

  private OpenTelemetryTracing(Tracer tracer, String consumerName, @Nullable String groupId) {
    this.tracer = tracer;
    this.consumerName = consumerName;
    this.groupId = groupId;
  }

  static RecordTracing create(@Nullable Object openTelemetry, String consumerName, @Nullable String groupId) {
    OpenTelemetry otel = openTelemetry == null ? GlobalOpenTelemetry.get() : (OpenTelemetry) openTelemetry;
    return new OpenTelemetryTracing(otel.getTracer(INSTRUMENTATION), consumerName, groupId);
  }

  @Override
  public TraceSpan startRecord(ConsumerRecord<?, ?> record) {
    if (record.headers().lastHeader(OutboxHeaders.TRACEPARENT) == null) {
      return TraceSpan.NONE;
    }
    Context parent = W3CTraceContextPropagator.getInstance().extract(Context.root(), record.headers(), HEADERS);
    SpanBuilder builder = common(tracer.spanBuilder("process " + record.topic()))
        .setParent(parent)
        .setAttribute(DESTINATION, record.topic())
        .setAttribute(PARTITION, Integer.toString(record.partition()))
        .setAttribute(OFFSET, record.offset());
    String id = HEADERS.get(record.headers(), OutboxHeaders.ID);
    if (id != null) {
      builder.setAttribute(MESSAGE_ID, id);
    }
    return open(builder.startSpan());
  }

  @Override
  public TraceSpan startBatch(List<? extends ConsumerRecord<?, ?>> records) {
    SpanBuilder builder = null;
    String topic = null;
    for (ConsumerRecord<?, ?> record : records) {
      if (record.headers().lastHeader(OutboxHeaders.TRACEPARENT) == null) {
        continue;
      }
      SpanContext context = Span.fromContext(
          W3CTraceContextPropagator.getInstance().extract(Context.root(), record.headers(), HEADERS))
          .getSpanContext();
      if (!context.isValid()) {
        continue;
      }
      if (builder == null) {
        topic = record.topic();
        builder = common(tracer.spanBuilder("process " + topic)).setNoParent();
      }
      builder.addLink(context);
    }
    if (builder == null) {
      return TraceSpan.NONE;
    }
    builder.setAttribute(BATCH_COUNT, (long) records.size());
    builder.setAttribute(DESTINATION, topic);
    return open(builder.startSpan());
  }

  private SpanBuilder common(SpanBuilder builder) {
    builder.setSpanKind(SpanKind.CONSUMER)
        .setAttribute(SYSTEM, "kafka")
        .setAttribute(OPERATION_TYPE, "process")
        .setAttribute(OPERATION_NAME, "process")
        .setAttribute(CONSUMER, consumerName);
    if (groupId != null) {
      builder.setAttribute(GROUP, groupId);
    }
    return builder;
  }

  private static TraceSpan open(Span span) {
    Scope scope = span.makeCurrent();
    return new TraceSpan() {
      @Override
      public void outcome(@Nullable InboxOutcome outcome) {
        if (outcome != null) {
          span.setAttribute(OUTCOME, outcome.name().toLowerCase(java.util.Locale.ROOT));
        }
      }

      @Override
      public void failed(Throwable error) {
        span.recordException(error);
        span.setStatus(StatusCode.ERROR, error.getClass().getName());
      }

      @Override
      public void close() {
        scope.close();
        span.end();
      }
    };
  }
}
