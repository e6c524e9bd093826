package io.outboxkit.writer;

import io.outboxkit.core.InvalidEventException;
import io.outboxkit.core.OutboxEvent;
import io.outboxkit.core.OutboxHeaders;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Checks an event against the outbox table's columns and turns its payload into JSON. Every check the
 * database would make is made here first, so that bad input fails with a message naming the field before
 * anything is sent, and the caller's transaction stays usable.
 */
final class EventEncoder {

  /** Length of the varchar columns aggregatetype, aggregateid and type. */
  static final int VARCHAR_COLUMN_LENGTH = 255;

  /** The index of an event written alone. */
  static final int SINGLE = -1;

  private final PayloadSerializer serializer;
  private final int maxPayloadBytes;
  private final UuidV7Generator ids;

  EventEncoder(PayloadSerializer serializer, int maxPayloadBytes, UuidV7Generator ids) {
    this.serializer = serializer;
    this.maxPayloadBytes = maxPayloadBytes;
    this.ids = ids;
  }

  /** Encodes a single event: messages name its fields as they are ({@code payload}). */
  EncodedEvent encode(@Nullable OutboxEvent event, @Nullable String tracingSpanContext) {
    return encode(event, SINGLE, tracingSpanContext);
  }

  /**
   * @param event the event; null is rejected
   * @param index the event's position among several, named in messages ({@code events[3].payload}), or
   *     {@link #SINGLE}
   * @param tracingSpanContext the trace context to store with it, or null
   */
  EncodedEvent encode(@Nullable OutboxEvent event, int index, @Nullable String tracingSpanContext) {
    if (event == null) {
      throw new InvalidEventException((index == SINGLE ? "event" : "events[" + index + "]") + " must not be null");
    }
    checkColumn(index, "aggregateType", "aggregatetype", event.aggregateType());
    checkColumn(index, "aggregateId", "aggregateid", event.aggregateId());
    checkColumn(index, "eventType", "type", event.eventType());
    checkHeaders(index, event.headers());
    String payload = event.payload() == null ? null : payloadJson(index, event.payload());
    return new EncodedEvent(ids.next(), event, payload, tracingSpanContext);
  }

  /** Where an event is, as messages name it: empty for a single event, {@code events[3].} for one of several. */
  static String where(int index) {
    return index == SINGLE ? "" : "events[" + index + "].";
  }

  private String payloadJson(int index, Object payload) {
    String json;
    try {
      json = serializer.toJson(payload);
    } catch (InvalidEventException e) {
      String message = String.valueOf(e.getMessage());
      if (index == SINGLE && message.startsWith("payload")) {
        throw e;
      }
      throw new InvalidEventException(where(index) + (message.startsWith("payload") ? message : "payload: " + message),
          e);
    } catch (RuntimeException e) {
      throw new InvalidEventException(where(index) + "payload of type " + payload.getClass().getName()
          + " cannot be serialized by " + serializer.getClass().getName() + ": " + e.getMessage(), e);
    }
    if (json == null) {
      throw new InvalidEventException(where(index) + "payload of type " + payload.getClass().getName()
          + ": the serializer " + serializer.getClass().getName() + " returned null; pass a null payload for an"
          + " event without one");
    }
    if ((long) json.length() * 3 > maxPayloadBytes) {
      long bytes = PayloadJson.utf8Length(json);
      if (bytes > maxPayloadBytes) {
        throw new InvalidEventException(where(index) + "payload is " + bytes + " bytes of UTF-8 JSON, more than"
            + " the limit of " + maxPayloadBytes + " bytes (OutboxWriter maxPayloadBytes): make the event smaller,"
            + " or raise the limit together with the Kafka broker's and the relay producer's message size limits");
      }
    }
    return PayloadJson.check(json, index);
  }

  private static void checkColumn(int index, String field, String column, String value) {
    if (value.length() > VARCHAR_COLUMN_LENGTH) {
      int characters = value.codePointCount(0, value.length());
      if (characters > VARCHAR_COLUMN_LENGTH) {
        throw new InvalidEventException(where(index) + field + " is " + characters + " characters long, more than the "
            + VARCHAR_COLUMN_LENGTH + " its column " + column + " holds");
      }
    }
    if (value.indexOf('\0') >= 0) {
      throw new InvalidEventException(where(index) + field + " contains the character \\u0000, which PostgreSQL cannot"
          + " store in text");
    }
  }

  private static void checkHeaders(int index, Map<String, String> headers) {
    for (Map.Entry<String, String> header : headers.entrySet()) {
      String name = header.getKey();
      if (name.equals(OutboxHeaders.ID) || name.equals(OutboxHeaders.EVENT_TYPE)) {
        throw new InvalidEventException(where(index) + "header '" + name + "' is reserved: the relay sets the '"
            + OutboxHeaders.ID + "' and '" + OutboxHeaders.EVENT_TYPE + "' headers itself; choose another name");
      }
      if (name.indexOf('\0') >= 0 || header.getValue().indexOf('\0') >= 0) {
        throw new InvalidEventException(where(index) + "header '" + name.replace("\0", "\\u0000") + "' contains the"
            + " character \\u0000, which PostgreSQL's jsonb does not accept");
      }
    }
  }
}
