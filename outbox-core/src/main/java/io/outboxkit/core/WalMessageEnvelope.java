package io.outboxkit.core;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import io.outboxkit.core.internal.JsonText;
import java.io.IOException;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
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
  private static final JsonFactory JSON = JsonText.UNLIMITED;

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
   * Decodes a WAL message's content.
   *
   * @throws InvalidEventException if the content is not an envelope; the message says what is wrong
   */
  public static WalMessageEnvelope fromJson(String content) {
    Fields fields = new Fields();
    try (JsonParser json = JSON.createParser(content)) {
      parse(json, fields, (start, end) ->
          fields.payloadText = content.substring((int) start.getCharOffset(), (int) end.getCharOffset()));
    } catch (IOException e) {
      throw failure(e);
    }
    return new WalMessageEnvelope(fields.id, fields.aggregateType, fields.aggregateId, fields.eventType,
        fields.payloadText, fields.tracingSpanContext, fields.headers, instant(fields.createdAt));
  }

  /**
   * Decodes a WAL message's content (UTF-8) as a relay needs it: the payload left as the bytes it is in the
   * content (published without decoding it to a {@code String} and encoding it again), and {@code created_at}
   * required but not read (a relay does not publish it). Otherwise the same checks as {@link
   * #fromJson(String)}.
   *
   * @throws InvalidEventException if the content is not an envelope; the message says what is wrong
   */
  public static Utf8 fromUtf8(byte[] content) {
    Fields fields = new Fields();
    try (JsonParser json = JSON.createParser(content)) {
      parse(json, fields, (start, end) ->
          fields.payloadBytes = Arrays.copyOfRange(content, (int) start.getByteOffset(), (int) end.getByteOffset()));
    } catch (IOException e) {
      throw failure(e);
    }
    return new Utf8(fields.id, fields.aggregateType, fields.aggregateId, fields.eventType, fields.payloadBytes,
        fields.tracingSpanContext, fields.headers);
  }

  /**
   * An envelope decoded by {@link #fromUtf8(byte[])}: the fields of {@link WalMessageEnvelope} but {@code
   * createdAt}, the payload as its UTF-8 bytes (a copy of the content's range, owned by the caller; null for an
   * event without payload).
   */
  @SuppressWarnings("ArrayRecordComponent") // the payload is handed on as it is, never compared
  public record Utf8(
      UUID id,
      String aggregateType,
      String aggregateId,
      String eventType,
      byte @Nullable [] payload,
      @Nullable String tracingSpanContext,
      Map<String, String> headers) {
  }

  /** The fields as they are read; checked once the object ends. */
  private static final class Fields {
    @Nullable UUID id;
    @Nullable String aggregateType;
    @Nullable String aggregateId;
    @Nullable String eventType;
    @Nullable String payloadText;
    byte @Nullable [] payloadBytes;
    @Nullable String tracingSpanContext;
    Map<String, String> headers = Map.of();
    @Nullable String createdAt;
  }

  /** Receives the payload's extent in the content: where its first character (or byte) is and where it ends. */
  @FunctionalInterface
  private interface PayloadRange {
    void found(JsonLocation start, JsonLocation end);
  }

  private static void parse(JsonParser json, Fields fields, PayloadRange payload) throws IOException {
    try {
      if (json.nextToken() != JsonToken.START_OBJECT) {
        throw invalid("it is not a JSON object");
      }
      for (JsonToken token = json.nextToken(); token == JsonToken.FIELD_NAME; token = json.nextToken()) {
        String field = json.currentName();
        JsonToken value = json.nextToken();
        switch (field) {
          case ID -> fields.id = uuid(text(json, field, value));
          case AGGREGATE_TYPE -> fields.aggregateType = text(json, field, value);
          case AGGREGATE_ID -> fields.aggregateId = text(json, field, value);
          case TYPE -> fields.eventType = text(json, field, value);
          case PAYLOAD -> rawValue(json, value, payload);
          case TRACING_SPAN_CONTEXT -> fields.tracingSpanContext = text(json, field, value);
          case HEADERS -> fields.headers = headers(json, value);
          case CREATED_AT -> fields.createdAt = text(json, field, value);
          default -> json.skipChildren();
        }
      }
      if (json.currentToken() != JsonToken.END_OBJECT || json.nextToken() != null) {
        throw invalid("it has content after the envelope object");
      }
    } catch (JsonProcessingException e) {
      throw invalid("it is not valid JSON: " + e.getOriginalMessage());
    }
    if (fields.id == null || fields.aggregateType == null || fields.aggregateId == null || fields.eventType == null
        || fields.createdAt == null) {
      throw invalid("a required field is missing (id, aggregatetype, aggregateid, type and created_at are)");
    }
  }

  private static InvalidEventException failure(IOException e) {
    return e instanceof JsonProcessingException json
        ? invalid("it is not valid JSON: " + json.getOriginalMessage())
        : invalid(e.getMessage());
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

  /** The value's extent in the content, from its first to its last character (or byte). */
  private static void rawValue(JsonParser json, JsonToken value, PayloadRange payload) throws IOException {
    JsonLocation start = json.currentTokenLocation();
    if (value.isStructStart()) {
      json.skipChildren();
    } else {
      json.finishToken();
    }
    payload.found(start, json.currentLocation());
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

  private static Instant instant(@Nullable String text) {
    try {
      return Instant.parse(Objects.requireNonNull(text));
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
