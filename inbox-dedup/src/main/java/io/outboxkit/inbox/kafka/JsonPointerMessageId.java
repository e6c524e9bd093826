package io.outboxkit.inbox.kafka;

import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import io.outboxkit.core.OutboxConfigurationException;
import io.outboxkit.core.OutboxHeaders;
import io.outboxkit.inbox.InvalidMessageException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.jspecify.annotations.Nullable;

/** The dedup key from JSON pointers into the payload, optionally preceded by the event type. */
final class JsonPointerMessageId implements MessageIdExtractor {

  // Big decimals and integers keep a number's digits as written: 1.10 stays "1.10", no rounding.
  private static final ObjectReader READER = new ObjectMapper()
      .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
      .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
      .configure(JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES, false)
      .reader();

  private final boolean withEventType;
  private final List<JsonPointer> pointers;

  JsonPointerMessageId(boolean withEventType, String... pointers) {
    if (pointers == null || pointers.length == 0) {
      throw new OutboxConfigurationException("a JSON pointer dedup key needs at least one pointer, for example "
          + "\"/orderId\"");
    }
    this.withEventType = withEventType;
    List<JsonPointer> compiled = new ArrayList<>();
    for (String pointer : pointers) {
      if (pointer == null || pointer.isEmpty() || !pointer.startsWith("/")) {
        throw new OutboxConfigurationException("the dedup key JSON pointer '" + pointer + "' is not valid: a "
            + "pointer starts with '/', for example \"/orderId\" or \"/order/id\"");
      }
      try {
        compiled.add(JsonPointer.compile(pointer));
      } catch (IllegalArgumentException e) {
        throw new OutboxConfigurationException("the dedup key JSON pointer '" + pointer + "' is not valid: "
            + e.getMessage(), e);
      }
    }
    this.pointers = List.copyOf(compiled);
  }

  @Override
  public String extract(ConsumerRecord<byte[], byte[]> record) {
    List<String> parts = new ArrayList<>(pointers.size() + 1);
    if (withEventType) {
      Header type = record.headers().lastHeader(OutboxHeaders.EVENT_TYPE);
      if (type == null || type.value() == null || type.value().length == 0) {
        throw new InvalidMessageException(where(record) + " has no " + OutboxHeaders.EVENT_TYPE
            + " header, which is part of its dedup key");
      }
      parts.add(new String(type.value(), StandardCharsets.UTF_8));
    }
    byte[] value = record.value();
    if (value == null || value.length == 0) {
      throw new InvalidMessageException(where(record) + " has no value, so its dedup key " + pointers
          + " cannot be read");
    }
    JsonNode root;
    try {
      root = READER.readTree(value);
    } catch (JsonProcessingException e) {
      throw new InvalidMessageException(where(record) + " has a value that is not JSON (" + e.getOriginalMessage()
          + "), so its dedup key " + pointers + " cannot be read", e);
    } catch (IOException e) {
      throw new InvalidMessageException(where(record) + " has a value that cannot be read as JSON: "
          + e.getMessage(), e);
    }
    for (JsonPointer pointer : pointers) {
      parts.add(text(root.at(pointer), pointer, record));
    }
    return KeyParts.join(parts);
  }

  private static String text(@Nullable JsonNode node, JsonPointer pointer, ConsumerRecord<?, ?> record) {
    if (node == null || node.isMissingNode() || node.isNull()) {
      throw new InvalidMessageException(where(record) + " has no value at " + pointer
          + ", which is part of its dedup key");
    }
    if (node.isContainerNode()) {
      throw new InvalidMessageException(where(record) + " has an object or array at " + pointer
          + ": a dedup key part must be a string, number or boolean");
    }
    String text = node.isBigDecimal() ? node.decimalValue().toString() : node.asText();
    if (text.isEmpty()) {
      throw new InvalidMessageException(where(record) + " has an empty string at " + pointer
          + ", which is part of its dedup key");
    }
    return text;
  }

  private static String where(ConsumerRecord<?, ?> record) {
    return "record " + record.topic() + "-" + record.partition() + "@" + record.offset();
  }

  @Override
  public String toString() {
    return (withEventType ? "eventType + " : "") + "JSON pointers " + pointers;
  }
}
