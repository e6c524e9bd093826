package io.outboxkit.saga;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.outboxkit.core.internal.OpenTelemetrySpans;
import io.outboxkit.core.internal.OpenTelemetryContexts;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/** {@link SagaTracing} with OpenTelemetry. Loaded only when opentelemetry-api is present. */
final class OpenTelemetrySagaTracing implements SagaTracing {

  static final String INSTRUMENTATION = "io.outboxkit.saga";

  private static final AttributeKey<String> TYPE = AttributeKey.stringKey("outboxkit.saga.type");
  private static final AttributeKey<String> ID = AttributeKey.stringKey("outboxkit.saga.id");
  private static final AttributeKey<String> STATE = AttributeKey.stringKey("outboxkit.saga.state");
  private static final AttributeKey<Long> STEP = AttributeKey.longKey("outboxkit.saga.step");
  private static final AttributeKey<String> REASON = AttributeKey.stringKey("outboxkit.saga.reason");

  private final Tracer tracer;

  private OpenTelemetrySagaTracing(Tracer tracer) {
    this.tracer = tracer;
  }

  static SagaTracing create(@Nullable Object openTelemetry) {
    Tracer tracer = OpenTelemetrySpans.tracerUnlessNoop(openTelemetry, INSTRUMENTATION);
    return tracer == null ? NONE : new OpenTelemetrySagaTracing(tracer);
  }

  @Override
  public @Nullable String currentContext() {
    return OpenTelemetryContexts.current();
  }

  @Override
  public Transition start(String kind, SagaRun run, @Nullable String storedContext) {
    Context parent = Context.current();
    if (!Span.fromContext(parent).getSpanContext().isValid() && storedContext != null) {
      try {
        parent = OpenTelemetryContexts.extract(storedContext);
      } catch (RuntimeException unreadable) {
        parent = Context.root(); // a context the saga stored but cannot read again: the span starts a trace
      }
    }
    Span span = tracer.spanBuilder("saga " + kind + " " + run.sagaType)
        .setParent(parent)
        .setSpanKind(SpanKind.INTERNAL)
        .setAttribute(TYPE, run.sagaType)
        .setAttribute(ID, run.sagaId)
        .startSpan();
    return new TransitionSpan(span, parent.with(span));
  }

  /** A transition's span, current on this thread until closed. */
  private static final class TransitionSpan extends OpenTelemetrySpans.CurrentSpan implements Transition {

    TransitionSpan(Span span, Context context) {
      super(span, context);
    }

    @Override
    public void done(SagaRun after, @Nullable String compensationReason) {
      span().setAttribute(STATE, after.state.name().toLowerCase(Locale.ROOT));
      span().setAttribute(STEP, (long) after.step);
      if (compensationReason != null) {
        span().addEvent("compensation started", Attributes.of(REASON, compensationReason));
      }
    }
  }
}
