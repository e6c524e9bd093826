package io.outboxkit.inbox.kafka;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanBuilder;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.outboxkit.core.OutboxHeaders;
import io.outboxkit.core.internal.KafkaTraceHeaders;
import io.outboxkit.core.internal.OpenTelemetrySpans;
import io.outboxkit.inbox.InboxOutcome;
import java.util.List;
import java.util.Locale;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.jspecify.annotations.Nullable;

/**
 * CONSUMER spans following OpenTelemetry's messaging conventions, parented by the W3C trace context that
 * the relay copied from the outbox row into the {@code traceparent}/{@code tracestate} headers.
 */
final class OpenTelemetryTracing implements RecordTracing {

  static final String INSTRUMENTATION = "io.outboxkit.inbox";

  private static final AttributeKey<String> CONSUMER = AttributeKey.stringKey("outboxkit.inbox.consumer");
  private static final AttributeKey<String> OUTCOME = AttributeKey.stringKey("outboxkit.inbox.outcome");

  private final Tracer tracer;
  private final String consumerName;
  private final @Nullable String groupId;

  private OpenTelemetryTracing(Tracer tracer, String consumerName, @Nullable String groupId) {
    this.tracer = tracer;
    this.consumerName = consumerName;
    this.groupId = groupId;
  }

  static RecordTracing create(@Nullable Object openTelemetry, String consumerName, @Nullable String groupId) {
    // not skipped without an SDK (unlike the relay's and the saga's tracing): OpenTelemetry's no-op spans still
    // carry the record's trace context, which is current while the handler runs
    Tracer tracer = OpenTelemetrySpans.openTelemetry(openTelemetry).getTracer(INSTRUMENTATION);
    return new OpenTelemetryTracing(tracer, consumerName, groupId);
  }

  @Override
  public TraceSpan startRecord(ConsumerRecord<?, ?> record) {
    if (record.headers().lastHeader(OutboxHeaders.TRACEPARENT) == null) {
      return TraceSpan.NONE;
    }
    SpanBuilder builder = common(tracer.spanBuilder("process " + record.topic()))
        .setParent(KafkaTraceHeaders.extract(record.headers()))
        .setAttribute(OpenTelemetrySpans.DESTINATION, record.topic())
        .setAttribute(OpenTelemetrySpans.PARTITION, Integer.toString(record.partition()))
        .setAttribute(OpenTelemetrySpans.OFFSET, record.offset());
    String id = KafkaTraceHeaders.lastValue(record.headers(), OutboxHeaders.ID);
    if (id != null) {
      builder.setAttribute(OpenTelemetrySpans.MESSAGE_ID, id);
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
      SpanContext context = Span.fromContext(KafkaTraceHeaders.extract(record.headers())).getSpanContext();
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
    builder.setAttribute(OpenTelemetrySpans.BATCH_COUNT, (long) records.size());
    builder.setAttribute(OpenTelemetrySpans.DESTINATION, topic);
    return open(builder.startSpan());
  }

  private SpanBuilder common(SpanBuilder builder) {
    builder.setSpanKind(SpanKind.CONSUMER)
        .setAttribute(OpenTelemetrySpans.SYSTEM, OpenTelemetrySpans.KAFKA)
        .setAttribute(OpenTelemetrySpans.OPERATION_TYPE, "process")
        .setAttribute(OpenTelemetrySpans.OPERATION_NAME, "process")
        .setAttribute(CONSUMER, consumerName);
    if (groupId != null) {
      builder.setAttribute(OpenTelemetrySpans.GROUP, groupId);
    }
    return builder;
  }

  private static TraceSpan open(Span span) {
    return new RecordSpan(span);
  }

  /** A record's or a batch's span, current on this thread until closed. */
  private static final class RecordSpan extends OpenTelemetrySpans.CurrentSpan implements TraceSpan {

    RecordSpan(Span span) {
      super(span, Context.current().with(span));
    }

    @Override
    public void outcome(@Nullable InboxOutcome outcome) {
      if (outcome != null) {
        span().setAttribute(OUTCOME, outcome.name().toLowerCase(Locale.ROOT));
      }
    }
  }
}
