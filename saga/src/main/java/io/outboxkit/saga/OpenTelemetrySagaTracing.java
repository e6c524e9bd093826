package io.outboxkit.saga;

import io.opentelemetry.api.GlobalOpenTelemetry;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.api.trace.TracerProvider;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.outboxkit.core.TracingSpanContext;
import io.outboxkit.core.internal.OpenTelemetryContexts;
import java.util.Locale;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/** {@link SagaTracing} with OpenTelemetry. Loaded only when opentelemetry-api is present. */
final class OpenTelemetrySagaTracing implements SagaTracing {

  static final String INSTRUMENTATION = "io.outboxkit.saga";

  private static final AttributeKey<String> TYPE = AttributeKey.stringKey("outboxkit.saga.type");
  private static final AttributeKey<String> ID = AttributeKey.stringKey("outboxkit.saga.id");
  private static final AttributeKey<String> STATE = AttributeKey.stringKey("outboxkit.saga.state");
  private static final AttributeKey<Long> STEP = AttributeKey.longKey("outboxkit.saga.step");
  private static final AttributeKey<String> REASON = AttributeKey.stringKey("outboxkit.saga.reason");

  private static final TextMapGetter<Map<String, String>> GETTER = new TextMapGetter<>() {
    @Override
    public Iterable<String> keys(Map<String, String> carrier) {
      return carrier.keySet();
    }

    @Override
    public @Nullable String get(@Nullable Map<String, String> carrier, String key) {
      return carrier == null ? null : carrier.get(key);
    }
  };

  private final Tracer tracer;

  private OpenTelemetrySagaTracing(Tracer tracer) {
    this.tracer = tracer;
  }

  static SagaTracing create(@Nullable Object openTelemetry) {
    OpenTelemetry otel = openTelemetry == null ? GlobalOpenTelemetry.get() : (OpenTelemetry) openTelemetry;
    TracerProvider provider = otel.getTracerProvider();
    if (provider == TracerProvider.noop()) {
      return NONE;
    }
    return new OpenTelemetrySagaTracing(provider.get(INSTRUMENTATION));
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
        parent = W3CTraceContextPropagator.getInstance().extract(Context.root(),
            TracingSpanContext.parse(storedContext), GETTER);
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
    Scope scope = parent.with(span).makeCurrent();
    return new Transition() {
      @Override
      public void done(SagaRun after, @Nullable String compensationReason) {
        span.setAttribute(STATE, after.state.name().toLowerCase(Locale.ROOT));
        span.setAttribute(STEP, (long) after.step);
        if (compensationReason != null) {
          span.addEvent("compensation started", Attributes.of(REASON, compensationReason));
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
