package io.outboxkit.core;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * An event to publish through the outbox: where it goes ({@code aggregateType} chooses the topic,
 * {@code aggregateId} is the Kafka key and keeps order), what it is ({@code eventType}) and its body.
 *
 * <p>The payload is serialized to JSON by the writer's payload serializer (outbox-writer's
 * {@code io.outboxkit.writer.PayloadSerializer}); a {@link String} is
 * taken as JSON text as it is. Extra headers travel to Kafka as record headers beside {@code id} and
 * {@code eventType}.
 *
 * <p>Immutable and thread-safe as long as the payload object is not changed after the event was made.
 *
 * @param aggregateType the kind of aggregate, for example {@code order}; not blank
 * @param aggregateId the aggregate's id, the Kafka record key; not blank
 * @param eventType the event's type, for example {@code OrderCreated}; not blank
 * @param payload the event body, or null for a record without value
 * @param headers extra Kafka headers, in the order given; never null
 */
public record OutboxEvent(
    String aggregateType,
    String aggregateId,
    String eventType,
    @Nullable Object payload,
    Map<String, String> headers) {

  /** Checks the required fields and copies the headers. */
  public OutboxEvent {
    requireText("aggregateType", aggregateType);
    requireText("aggregateId", aggregateId);
    requireText("eventType", eventType);
    if (headers == null || headers.isEmpty()) {
      headers = Map.of();
    } else {
      LinkedHashMap<String, String> copy = new LinkedHashMap<>();
      headers.forEach((name, value) -> {
        requireText("header name", name);
        if (value == null) {
          throw new InvalidEventException("header '" + name + "' has a null value: give a string or leave it out");
        }
        copy.put(name, value);
      });
      headers = Collections.unmodifiableMap(copy);
    }
  }

  /** An event without extra headers. */
  public static OutboxEvent of(String aggregateType, String aggregateId, String eventType, @Nullable Object payload) {
    return new OutboxEvent(aggregateType, aggregateId, eventType, payload, Map.of());
  }

  /** A copy of this event with one more header (replacing a header of the same name). */
  public OutboxEvent withHeader(String name, String value) {
    LinkedHashMap<String, String> copy = new LinkedHashMap<>(headers);
    copy.put(name, value);
    return new OutboxEvent(aggregateType, aggregateId, eventType, payload, copy);
  }

  /** A copy of this event with these extra headers instead of the current ones. */
  public OutboxEvent withHeaders(Map<String, String> newHeaders) {
    return new OutboxEvent(aggregateType, aggregateId, eventType, payload, newHeaders);
  }

  private static void requireText(String field, @Nullable String value) {
    if (value == null) {
      throw new InvalidEventException(field + " must not be null");
    }
    if (value.isBlank()) {
      throw new InvalidEventException(field + " must not be blank");
    }
  }
}
