package io.outboxkit.writer;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.outboxkit.core.InvalidEventException;

/**
 * Turns an event payload into the JSON text stored in the outbox and sent to Kafka as the record value.
 *
 * <p>The default, {@link #jackson()}, writes objects with Jackson 2, stores a {@link String} as the JSON
 * text it holds and a {@code JsonNode} as it is. Implement this interface to use another JSON library
 * or another JSON encoding of your objects. Implementations must be thread-safe.
 */
@FunctionalInterface
public interface PayloadSerializer {

  /**
   * Serializes a payload.
   *
   * @param payload the payload given to the writer, never null
   * @return a JSON document
   * @throws InvalidEventException if the payload cannot be serialized; the message says why
   */
  String toJson(Object payload);

  /** Jackson 2 with a default {@link ObjectMapper} (modules found on the class path registered). */
  static PayloadSerializer jackson() {
    return JacksonPayloadSerializer.DEFAULT;
  }

  /** Jackson 2 with the given, already configured {@link ObjectMapper}. */
  static PayloadSerializer jackson(ObjectMapper objectMapper) {
    return new JacksonPayloadSerializer(objectMapper);
  }
}
