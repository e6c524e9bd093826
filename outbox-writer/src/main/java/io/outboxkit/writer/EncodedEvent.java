package io.outboxkit.writer;

import java.util.Map;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/** An event that passed every check, with its id, payload JSON and trace context: ready for SQL. */
record EncodedEvent(
    UUID id,
    String aggregateType,
    String aggregateId,
    String eventType,
    @Nullable String payload,
    @Nullable String tracingSpanContext,
    Map<String, String> headers) {
}
