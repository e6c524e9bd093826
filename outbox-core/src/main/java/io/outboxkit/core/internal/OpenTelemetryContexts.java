package io.outboxkit.core.internal;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.TraceState;
import io.outboxkit.core.TracingSpanContext;
import org.jspecify.annotations.Nullable;

/**
 * The current OpenTelemetry span's W3C context in the outbox's {@code tracingspancontext} form
 * ({@link TracingSpanContext}), as the writer stores it with events and the saga orchestrator with a saga.
 * Touches OpenTelemetry's classes: call it only when opentelemetry-api is on the class path.
 */
public final class OpenTelemetryContexts {

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
}
