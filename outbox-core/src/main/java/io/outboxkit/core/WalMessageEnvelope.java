package io.outboxkit.core;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import java.io.IOException;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * The content of a logical WAL message written by the writer's WAL-message mode
 * ({@code pg_logical_emit_message(true, prefix, content)}): a JSON object with the same fields as a row of
 * the outbox table.
 *
 * <pre>{@code
 * {"id":"0190f5c2-...","aggregatetype":"order","aggregateid":"42","type":"OrderCreated",
 *  "payload":{"total":10},"tracingspancontext":null,"headers":{"tenant":"a"},
 *  "created_at":"2024-07-01T10:15:30.123456Z"}
 * }</pre>
 *
 * <p>{@code payload} is embedded as JSON (never as an escaped string), and left out when the event has no
 * payload (SQL NULL in the table), so that a payload that is the JSON literal {@code null} stays distinct.
 * {@link #fromJson(String)} returns the payload's text exactly as it was given to {@link #toJson()},
 * character for character: a top-level array or scalar, numbers of any size and precision, nested nulls,
 * inner whitespace and any Unicode come back unchanged.
 * {@code headers} is an object of strings, or null when there are none. {@code created_at} is an ISO-8601
 * instant in UTC. The decoder ignores fields it does not know, so later versions may add fields.
 *
 * <p>Immutable and thread-safe.
 *
 * @param id the event id
 * @param aggregateType the aggregate type (routes to the topic)
 * @param aggregateId the aggregate id (the Kafka key)
 * @param eventType the event type (the {@code eventType} header)
 * @param payload the payload's JSON text, or null for an event without payload; must be one JSON value
 *     (the writer checks it before it builds an envelope)
 * @param tracingSpanContext the writer's trace context in {@link TracingSpanContext} form, or null
 * @param headers the extra headers, in order; never null
 * @param createdAt when the event was written
 */
public record WalMessageEnvelope(
    UUID id,
    String aggregateType,
    String aggregateId,
    String eventType,
    @Nullable String payload,
    @Nullable String tracingSpanContext,
    Map<String, String> headers,
    Instant createdAt) {

  static final String ID = "id";
  static final String AGGREGATE_TYPE = "aggregatetype";
  static final String AGGREGATE_ID = "aggregateid";
  static final String TYPE = "type";
  static final String PAYLOAD = "payload";
  static final String TRACING_SPAN_CONTEXT = "tracingspancontext";
  static final String HEADERS = "headers";
  static final String CREATED_AT = "created_at";

  /** Reads payloads of any size PostgreSQL's jsonb accepts: no limits on numbers, strings or nesting. */
  private static final JsonFactory JSON = JsonFactory.builder()
      .streamReadConstraints(StreamReadConstraints.builder()
          .maxNumberLength(Integer.MAX_VALUE)
          .maxStringLength(Integer.MAX_VALUE)
          .maxNameLength(Integer.MAX_VALUE)
          .maxNestingDepth(Integer.MAX_VALUE)
          .build())
      .build();

  /** Checks the required fields and copies the headers. */
  public WalMessageEnvelope {
    require(ID, id);
    require(AGGREGATE_TYPE, aggregateType);
    require(AGGREGATE_ID, aggregateId);
    require(TYPE, eventType);
    require(CREATED_AT, createdAt);
    headers = headers == null || headers.isEmpty()
        ? Map.of()
        : Collections.unmodifiableMap(new LinkedHashMap<>(headers));
  }

  /** Encodes this envelope as the JSON text of a WAL message's content. */
  public String toJson() {
    int size = 256 + (payload == null ? 0 : payload.length());
    StringWriter out = new StringWriter(size);
    try (JsonGenerator json = JSON.createGenerator(out)) {
      json.writeStartObject();
      json.writeStringField(ID, id.toString());
      json.writeStringField(AGGREGATE_TYPE, aggregateType);
      json.writeStringField(AGGREGATE_ID, aggregateId);
      json.writeStringField(TYPE, eventType);
      if (payload != null) {
        json.writeFieldName(PAYLOAD);
        json.writeRawValue(payload);
      }
      json.writeFieldName(TRACING_SPAN_CONTEXT);
      if (tracingSpanContext == null) {
        json.writeNull();
      } else {
        json.writeString(tracingSpanContext);
      }
      json.writeFieldName(HEADERS);
      if (headers.isEmpty()) {
        json.writeNull();
      } else {
        json.writeStartObject();
        for (Map.Entry<String, String> header : headers.entrySet()) {
          json.writeStringField(header.getKey(), header.getValue());
        }
        json.writeEndObject();
      }
      json.writeStringField(CREATED_AT, createdAt.toString());
      json.writeEndObject();
    } catch (IOException e) {
      throw new OutboxException("cannot encode the WAL message envelope of event " + id, e);
    }
    return out.toString();
  }

  /**
   * Decodes a WAL message's content, given as the bytes PostgreSQL returned (UTF-8).
   *
   * @throws InvalidEventException if the content is not an envelope; the message says what is wrong
   */
  public static WalMessageEnvelope fromJson(byte[] content) {
    return fromJson(new String(content, StandardCharsets.UTF_8));
  }

  /**
   * Decodes a WAL message's content.
   *
   * @throws InvalidEventException if the content is not an envelope; the message says what is wrong
   */
  public static WalMessageEnvelope fromJson(String content) {
    UUID id = null;
    String aggregateType = null;
    String aggregateId = null;
    String eventType = null;
    String payload = null;
    String tracingSpanContext = null;
    Map<String, String> headers = Map.of();
    Instant createdAt = null;
    try (JsonParser json = JSON.createParser(content)) {
      if (json.nextToken() != JsonToken.START_OBJECT) {
        throw invalid("it is not a JSON object");
      }
      for (JsonToken token = json.nextToken(); token == JsonToken.FIELD_NAME; token = json.nextToken()) {
        String field = json.currentName();
        JsonToken value = json.nextToken();
        switch (field) {
          case ID -> id = uuid(text(json, field, value));
          case AGGREGATE_TYPE -> aggregateType = text(json, field, value);
          case AGGREGATE_ID -> aggregateId = text(json, field, value);
          case TYPE -> eventType = text(json, field, value);
          case PAYLOAD -> payload = rawValue(json, content, value);
          case TRACING_SPAN_CONTEXT -> tracingSpanContext = text(json, field, value);
          case HEADERS -> headers = headers(json, value);
          case CREATED_AT -> createdAt = instant(text(json, field, value));
          default -> json.skipChildren();
        }
      }
      if (json.currentToken() != JsonToken.END_OBJECT || json.nextToken() != null) {
        throw invalid("it has content after the envelope object");
      }
    } catch (JsonProcessingException e) {
      throw invalid("it is not valid JSON: " + e.getOriginalMessage());
    } catch (IOException e) {
      throw invalid(e.getMessage());
    }
    if (id == null || aggregateType == null || aggregateId == null || eventType == null || createdAt == null) {
      throw invalid("a required field is missing (id, aggregatetype, aggregateid, type and created_at are)");
    }
    return new WalMessageEnvelope(
        id, aggregateType, aggregateId, eventType, payload, tracingSpanContext, headers, createdAt);
  }

  private static @Nullable String text(JsonParser json, String field, JsonToken value) throws IOException {
    if (value == JsonToken.VALUE_NULL) {
      return null;
    }
    if (value != JsonToken.VALUE_STRING) {
      throw invalid("field '" + field + "' is " + value + ", not a string");
    }
    return json.getText();
  }

  /** The value's text exactly as it stands in the content, from its first to its last character. */
  private static String rawValue(JsonParser json, String content, JsonToken value) throws IOException {
    int start = (int) json.currentTokenLocation().getCharOffset();
    if (value.isStructStart()) {
      json.skipChildren();
    } else {
      json.finishToken();
    }
    int end = (int) json.currentLocation().getCharOffset();
    return content.substring(start, end);
  }

  private static Map<String, String> headers(JsonParser json, JsonToken value) throws IOException {
    if (value == JsonToken.VALUE_NULL) {
      return Map.of();
    }
    if (value != JsonToken.START_OBJECT) {
      throw invalid("field 'headers' is " + value + ", not an object");
    }
    Map<String, String> headers = new LinkedHashMap<>();
    for (JsonToken token = json.nextToken(); token == JsonToken.FIELD_NAME; token = json.nextToken()) {
      String name = json.currentName();
      if (json.nextToken() != JsonToken.VALUE_STRING) {
        throw invalid("header '" + name + "' is " + json.currentToken() + ", not a string");
      }
      headers.put(name, json.getText());
    }
    return headers;
  }

  private static @Nullable UUID uuid(@Nullable String text) {
    try {
      return text == null ? null : UUID.fromString(text);
    } catch (IllegalArgumentException e) {
      throw invalid("field 'id' is not a UUID: " + text);
    }
  }

  private static @Nullable Instant instant(@Nullable String text) {
    try {
      return text == null ? null : Instant.parse(text);
    } catch (DateTimeParseException e) {
      throw invalid("field 'created_at' is not an ISO-8601 instant: " + text);
    }
  }

  private static InvalidEventException invalid(String why) {
    return new InvalidEventException("WAL message content is not an OutboxKit envelope: " + why);
  }

  private static void require(String field, @Nullable Object value) {
    if (value == null) {
      throw new InvalidEventException("WAL message envelope field '" + field + "' must not be null");
    }
  }
}
