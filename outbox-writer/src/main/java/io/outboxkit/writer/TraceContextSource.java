package io.outboxkit.writer;

import org.jspecify.annotations.Nullable;

/** Where the writer finds the trace context to store with events. */
interface TraceContextSource {

  TraceContextSource NONE = () -> null;

  /** The current trace context in {@link io.outboxkit.core.TracingSpanContext} form, or null. */
  @Nullable String current();

  /**
   * OpenTelemetry's current span when opentelemetry-api is on the class path and {@code enabled}, else
   * {@link #NONE}. The OpenTelemetry classes are only loaded when present.
   */
  static TraceContextSource detect(boolean enabled) {
    if (enabled && ClassPath.has("io.opentelemetry.api.trace.Span")
        && ClassPath.has("io.opentelemetry.context.Context")) {
      return new OpenTelemetryTraceContext();
    }
    return NONE;
  }
}
