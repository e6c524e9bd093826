package io.outboxkit.writer;

import io.outboxkit.core.OutboxEvent;
import java.util.Map;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * An event that passed every check, ready for SQL: the caller's event with the id given to it, its payload as
 * JSON and the trace context current when it was published.
 */
record EncodedEvent(UUID id, OutboxEvent event, @Nullable String payload, @Nullable String tracingSpanContext) {

  String aggregateType() {
    return event.aggregateType();
  }

  String aggregateId() {
    return event.aggregateId();
  }

  String eventType() {
    return event.eventType();
  }

  Map<String, String> headers() {
    return event.headers();
  }
}
