package io.outboxkit.writer;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.outboxkit.core.InvalidEventException;
import java.util.Objects;

/** The default {@link PayloadSerializer}. */
final class JacksonPayloadSerializer implements PayloadSerializer {

  static final JacksonPayloadSerializer DEFAULT =
      new JacksonPayloadSerializer(new ObjectMapper().findAndRegisterModules());

  private final ObjectMapper objectMapper;

  JacksonPayloadSerializer(ObjectMapper objectMapper) {
    this.objectMapper = Objects.requireNonNull(objectMapper, "objectMapper");
  }

  @Override
  public String toJson(Object payload) {
    if (payload instanceof String json) {
      return json;
    }
    if (payload instanceof JsonNode node) {
      return node.toString();
    }
    try {
      return objectMapper.writeValueAsString(payload);
    } catch (JsonProcessingException | RuntimeException e) {
      throw new InvalidEventException(
          "payload of type " + payload.getClass().getName() + " cannot be serialized to JSON by Jackson: "
              + originalMessage(e), e);
    }
  }

  private static String originalMessage(Exception e) {
    return e instanceof JsonProcessingException jpe ? jpe.getOriginalMessage() : String.valueOf(e.getMessage());
  }
}
