package io.outboxkit.fault;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.outboxkit.inbox.InvalidMessageException;
import io.outboxkit.inbox.kafka.InboxHandler;
import io.outboxkit.inbox.kafka.InboxMessage;
import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;

/**
 * The billing service's handler: reads an order event ({@code {"orderId": .., "seq": .., "amount": ..}})
 * and records one effect row in the inbox's transaction. A record without a value, with a body that is not
 * JSON, or without those fields can never succeed: it is refused with {@link InvalidMessageException}, which
 * sends it to the dead-letter topic at once.
 */
final class EffectHandler implements InboxHandler {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final String instance;

  EffectHandler(String instance) {
    this.instance = instance;
  }

  @Override
  public void handle(InboxMessage message, Connection connection) throws SQLException {
    Order order = read(message);
    try (PreparedStatement insert = connection.prepareStatement("INSERT INTO effect (event_id, aggregate_id, "
        + "event_seq, amount, instance, topic, kafka_partition, kafka_offset) VALUES (?, ?, ?, ?, ?, ?, ?, ?)")) {
      insert.setString(1, message.messageId());
      insert.setString(2, order.orderId());
      insert.setInt(3, order.seq());
      insert.setInt(4, order.amount());
      insert.setString(5, instance);
      insert.setString(6, message.topic());
      insert.setInt(7, message.partition());
      insert.setLong(8, message.offset());
      insert.executeUpdate();
    }
  }

  record Order(String orderId, int seq, int amount) {
  }

  static Order read(InboxMessage message) {
    byte[] value = message.value();
    if (value == null) {
      throw new InvalidMessageException("record has no value: an order event needs a payload");
    }
    JsonNode body;
    try {
      body = JSON.readTree(value);
    } catch (JsonProcessingException e) {
      throw new InvalidMessageException("payload is not JSON: " + e.getOriginalMessage());
    } catch (IOException e) {
      throw new InvalidMessageException("payload is not JSON: " + e.getMessage());
    }
    if (body == null || !body.path("orderId").isTextual() || !body.path("seq").canConvertToInt()
        || !body.path("seq").isIntegralNumber() || !body.path("amount").isIntegralNumber()) {
      throw new InvalidMessageException("payload is not an order event: it needs orderId (text), seq and amount "
          + "(integers)");
    }
    return new Order(body.get("orderId").asText(), body.get("seq").asInt(), body.get("amount").asInt());
  }

  /** The payload the writers publish. */
  static String payload(String orderId, int seq, int amount) {
    return "{\"orderId\": \"" + orderId + "\", \"seq\": " + seq + ", \"amount\": " + amount
        + ", \"note\": \"an order event of the fault tests, padded to a realistic size of a couple of hundred "
        + "bytes\"}";
  }
}
