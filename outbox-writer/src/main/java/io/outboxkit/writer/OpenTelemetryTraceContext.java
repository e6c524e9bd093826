package io.outboxkit.writer;

import io.outboxkit.core.internal.OpenTelemetryContexts;
import org.jspecify.annotations.Nullable;

/** The W3C trace context of OpenTelemetry's current span. Loaded only when opentelemetry-api is present. */
final class OpenTelemetryTraceContext implements TraceContextSource {

  @Override
  public @Nullable String current() {
    return OpenTelemetryContexts.current();
  }
}
