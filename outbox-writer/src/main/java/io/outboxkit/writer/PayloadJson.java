package io.outboxkit.writer;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import io.outboxkit.core.InvalidEventException;
import io.outboxkit.core.OutboxException;
import io.outboxkit.core.internal.JsonText;
import java.io.IOException;
import java.io.StringWriter;
import java.util.Map;

/** Checks payload JSON text the way PostgreSQL's jsonb will read it, and writes the headers' JSON. */
final class PayloadJson {

  private static final JsonFactory JSON = JsonText.UNLIMITED;

  private PayloadJson() {
  }

  /**
   * Checks that {@code json} is exactly one JSON value that jsonb accepts.
   *
   * @param index the event's position, named in errors ({@code events[2].payload}), or
   *     {@link EventEncoder#SINGLE} ({@code payload})
   * @return the JSON value's text, without the whitespace around it
   * @throws InvalidEventException naming the field and what is wrong
   */
  static String check(String json, int index) {
    boolean mayHoldNul = json.contains("\\u0000");
    try (JsonParser parser = JSON.createParser(json)) {
      JsonToken token = parser.nextToken();
      if (token == null) {
        throw new InvalidEventException(field(index) + " is empty: give a JSON document, or null for an event without"
            + " payload");
      }
      int start = (int) parser.currentTokenLocation().getCharOffset();
      int depth = 0;
      while (true) {
        if (token.isStructStart()) {
          depth++;
        } else if (token.isStructEnd()) {
          depth--;
        } else if (mayHoldNul && (token == JsonToken.VALUE_STRING || token == JsonToken.FIELD_NAME)
            && parser.getText().indexOf('\0') >= 0) {
          throw new InvalidEventException(field(index) + " holds the character \\u0000, which PostgreSQL's jsonb does"
              + " not accept: remove it or encode the value differently");
        }
        if (depth == 0) {
          break;
        }
        token = parser.nextToken();
      }
      parser.finishToken();
      int end = (int) parser.currentLocation().getCharOffset();
      if (parser.nextToken() != null) {
        throw new InvalidEventException(field(index) + " holds more than one JSON value: give one document (wrap"
            + " several in an array)");
      }
      return start == 0 && end == json.length() ? json : json.substring(start, end);
    } catch (JsonProcessingException e) {
      JsonLocation at = e.getLocation();
      throw new InvalidEventException(field(index) + " is not valid JSON: " + e.getOriginalMessage()
          + (at == null ? "" : " (line " + at.getLineNr() + ", column " + at.getColumnNr() + ")"), e);
    } catch (IOException e) {
      throw new InvalidEventException(field(index) + " cannot be read as JSON: " + e.getMessage(), e);
    }
  }

  private static String field(int index) {
    return EventEncoder.where(index) + "payload";
  }

  /** The number of bytes {@code text} takes in UTF-8, counted without encoding it. */
  static long utf8Length(String text) {
    int length = text.length();
    long bytes = length;
    for (int i = 0; i < length; i++) {
      char c = text.charAt(i);
      if (c >= 0x80) {
        if (c < 0x800) {
          bytes += 1;
        } else if (Character.isHighSurrogate(c) && i + 1 < length && Character.isLowSurrogate(text.charAt(i + 1))) {
          bytes += 2; // four bytes for two chars
          i++;
        } else {
          bytes += 2;
        }
      }
    }
    return bytes;
  }

  /** The headers as a JSON object of strings, in order. */
  static String headers(Map<String, String> headers) {
    StringWriter out = new StringWriter(32 * headers.size());
    try (JsonGenerator json = JSON.createGenerator(out)) {
      json.writeStartObject();
      for (Map.Entry<String, String> header : headers.entrySet()) {
        json.writeStringField(header.getKey(), header.getValue());
      }
      json.writeEndObject();
    } catch (IOException e) {
      throw new OutboxException("cannot write the headers as JSON", e);
    }
    return out.toString();
  }
}
