package io.outboxkit.benchmarks;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.outboxkit.inbox.InvalidMessageException;
import io.outboxkit.inbox.kafka.InboxBatchHandler;
import io.outboxkit.inbox.kafka.InboxHandler;
import io.outboxkit.inbox.kafka.InboxMessage;
import io.outboxkit.writer.OutboxWriter;
import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.List;

/**
 * The same order saga as a choreography on the same services: each service reacts to the previous one's event
 * in its inbox transaction, applies its effect and publishes its own event through its outbox; compensation
 * runs backwards by events. Success: OrderPlaced, StockReserved, PaymentCharged, ShippingScheduled (the order
 * service completes the order). Shipping refused: ShippingFailed, PaymentRefunded, StockReleased (the order
 * service cancels the order). One topic per event type, so that each service reads only what it reacts to.
 */
final class ChoreographedShop implements SagaFlow {

  /** Every event's body. */
  record OrderEvent(String orderId, int amount, boolean failShipping) {
  }

  private static final ObjectMapper JSON = new ObjectMapper();

  private final SagaServices services;

  ChoreographedShop(SagaServices services) {
    this.services = services;
    services.consume(services.inventory, "inventory-choreography", each((message, connection) -> {
      OrderEvent event = read(message);
      switch (type(message)) {
        case "OrderPlaced" -> {
          SagaServices.effect(connection, event.orderId(), "reserve");
          publish(services.inventory.writer(), connection, "stock-reserved", "StockReserved", event);
        }
        case "PaymentRefunded" -> {
          SagaServices.effect(connection, event.orderId(), "release");
          publish(services.inventory.writer(), connection, "stock-released", "StockReleased", event);
        }
        default -> throw unexpected(message);
      }
    }), "order-placed", "payment-refunded");
    services.consume(services.payment, "payment-choreography", each((message, connection) -> {
      OrderEvent event = read(message);
      switch (type(message)) {
        case "StockReserved" -> {
          SagaServices.effect(connection, event.orderId(), "charge");
          publish(services.payment.writer(), connection, "payment-charged", "PaymentCharged", event);
        }
        case "ShippingFailed" -> {
          SagaServices.effect(connection, event.orderId(), "refund");
          publish(services.payment.writer(), connection, "payment-refunded", "PaymentRefunded", event);
        }
        default -> throw unexpected(message);
      }
    }), "stock-reserved", "shipping-failed");
    services.consume(services.shipping, "shipping-choreography", each((message, connection) -> {
      OrderEvent event = read(message);
      if (!type(message).equals("PaymentCharged")) {
        throw unexpected(message);
      }
      if (event.failShipping()) {
        publish(services.shipping.writer(), connection, "shipping-failed", "ShippingFailed", event);
      } else {
        SagaServices.effect(connection, event.orderId(), "schedule");
        publish(services.shipping.writer(), connection, "shipping-scheduled", "ShippingScheduled", event);
      }
    }), "payment-charged");
    services.consume(services.order, "order-choreography", each((message, connection) -> {
      OrderEvent event = read(message);
      switch (type(message)) {
        case "ShippingScheduled" -> finish(connection, event.orderId(), "COMPLETED");
        case "StockReleased" -> finish(connection, event.orderId(), "CANCELLED");
        default -> throw unexpected(message);
      }
    }), "shipping-scheduled", "stock-released");
  }

  /** A per-message handler, as the choreography's services write them, run for each message of a poll. */
  private static InboxBatchHandler each(InboxHandler handler) {
    return (messages, connection) -> {
      for (InboxMessage message : messages) {
        handler.handle(message, connection);
      }
    };
  }

  @Override
  public String id() {
    return "choreographed";
  }

  @Override
  public String describe() {
    return "each service's inbox handler applies its effect and publishes the next event in the same transaction;"
        + " one topic per event type; final = the order row COMPLETED or CANCELLED (its finished_at = now() of"
        + " the order service's last transaction)";
  }

  @Override
  public void start(String orderId, int amount, boolean failShipping) throws SQLException {
    SagaFlow.inTransaction(services.order.pool(), connection -> {
      SagaFlow.insertOrder(connection, orderId, amount, "PENDING");
      publish(services.order.writer(), connection, "order-placed", "OrderPlaced",
          new OrderEvent(orderId, amount, failShipping));
    });
  }

  @Override
  public long unfinished(String prefix) throws SQLException {
    return SagaFlow.count(services.order.pool(),
        "SELECT count(*) FROM bench_order WHERE order_id LIKE ? AND state = 'PENDING'", prefix);
  }

  @Override
  public List<FinishedSaga> finished(String prefix) throws SQLException {
    return SagaFlow.finished(services.order.pool(), "SELECT order_id,"
        + " (extract(epoch FROM created_at) * 1000000)::bigint, (extract(epoch FROM finished_at) * 1000000)::bigint,"
        + " state FROM bench_order WHERE order_id LIKE ? AND state IN ('COMPLETED', 'CANCELLED')", prefix,
        "COMPLETED");
  }

  private static void finish(Connection connection, String orderId, String state) throws SQLException {
    try (PreparedStatement statement = connection.prepareStatement(
        "UPDATE bench_order SET state = ?, finished_at = now() WHERE order_id = ? AND state = 'PENDING'")) {
      statement.setString(1, state);
      statement.setString(2, orderId);
      statement.executeUpdate();
    }
  }

  private static void publish(OutboxWriter writer, Connection connection, String channel, String type,
                              OrderEvent event) {
    writer.publish(connection, channel, event.orderId(), type, event);
  }

  private static String type(InboxMessage message) {
    String type = message.eventType();
    return type == null ? "" : type;
  }

  private static OrderEvent read(InboxMessage message) {
    byte[] value = message.value();
    if (value == null) {
      throw new InvalidMessageException("event " + message + " has no body");
    }
    try {
      return JSON.readValue(value, OrderEvent.class);
    } catch (IOException e) {
      throw new InvalidMessageException("event " + message + " is not an order event: " + e.getMessage());
    }
  }

  private static InvalidMessageException unexpected(InboxMessage message) {
    return new InvalidMessageException("event " + message + " of type '" + type(message) + "' is not handled here");
  }
}
