package io.outboxkit.core.internal;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.outboxkit.core.TracingSpanContext;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The current OpenTelemetry span's W3C context in the outbox's {@code tracingspancontext} form
 * ({@link TracingSpanContext}), as the writer stores it with events and the saga orchestrator with a saga,
 * and such a stored context read back.
 * Touches OpenTelemetry's classes: call it only when opentelemetry-api is on the class path.
 */
public final class OpenTelemetryContexts {

  private static final TextMapGetter<Map<String, String>> MAP_GETTER = new TextMapGetter<>() {
    @Override
    public Iterable<String> keys(Map<String, String> carrier) {
      return carrier.keySet();
    }

    @Override
    public @Nullable String get(@Nullable Map<String, String> carrier, String key) {
      return carrier == null ? null : carrier.get(key);
    }
  };

  private OpenTelemetryContexts() {
  }

  /** The current span's context, or null when there is no valid span. */
  public static @Nullable String current() {
    SpanContext span = Span.current().getSpanContext();
    if (!span.isValid()) {
      return null;
    }
    String traceparent = "00-" + span.getTraceId() + '-' + span.getSpanId() + '-' + span.getTraceFlags().asHex();
    TraceState state = span.getTraceState();
    if (state.isEmpty()) {
      return TracingSpanContext.format(traceparent, null);
    }
    StringBuilder tracestate = new StringBuilder();
    state.forEach((key, value) -> {
      if (tracestate.length() > 0) {
        tracestate.append(',');
      }
      tracestate.append(key).append('=').append(value);
    });
    return TracingSpanContext.format(traceparent, tracestate.toString());
  }

  /**
   * A context stored in the {@link TracingSpanContext} form, as a child of the root context (its span context
   * is invalid when the text holds no valid {@code traceparent}).
   *
   * @throws RuntimeException when the text cannot be read as that form
   */
  public static Context extract(String stored) {
    return W3CTraceContextPropagator.getInstance().extract(Context.root(), TracingSpanContext.parse(stored),
        MAP_GETTER);
  }
}
