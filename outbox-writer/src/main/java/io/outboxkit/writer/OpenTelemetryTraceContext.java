package io.outboxkit.writer;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.TraceState;
import io.outboxkit.core.TracingSpanContext;
import org.jspecify.annotations.Nullable;

/** The W3C trace context of OpenTelemetry's current span. Loaded only when opentelemetry-api is present. */
final class OpenTelemetryTraceContext implements TraceContextSource {

  @Override
  public @Nullable String current() {
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
