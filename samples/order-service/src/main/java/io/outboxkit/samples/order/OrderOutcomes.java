package io.outboxkit.samples.order;

import io.outboxkit.samples.order.SagaEvents.OrderCancelled;
import io.outboxkit.samples.order.SagaEvents.OrderCompleted;
import io.outboxkit.writer.OutboxWriter;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The orchestrated saga's local steps: an order's end, COMPLETED or CANCELLED, with its event, written on the
 * connection of the transaction that moves the saga (the orchestrator's), so that the order and the saga
 * change together.
 */
final class OrderOutcomes {

  private static final Logger log = LoggerFactory.getLogger(OrderOutcomes.class);

  private final OutboxWriter outbox;

  OrderOutcomes(OutboxWriter outbox) {
    this.outbox = outbox;
  }

  /** PENDING to COMPLETED, with {@code OrderCompleted}: the saga's last step. */
  void complete(Connection connection, UUID orderId) throws SQLException {
    if (finish(connection, orderId, "COMPLETED", null)) {
      outbox.publish(connection, Topics.ORDER_AGGREGATE, orderId.toString(), "OrderCompleted",
          new OrderCompleted(orderId));
    }
  }

  /**
   * PENDING to CANCELLED, with {@code OrderCancelled}: the compensation of the saga's first step, so the last
   * one to run. The reason is the one the saga recorded when it began compensating (its {@code last_error},
   * committed by an earlier transition: the failed step is compensated first, through its participant).
   */
  void cancel(Connection connection, UUID orderId) throws SQLException {
    String reason = reason(lastError(connection, orderId));
    if (finish(connection, orderId, "CANCELLED", reason)) {
      outbox.publish(connection, Topics.ORDER_AGGREGATE, orderId.toString(), "OrderCancelled",
          new OrderCancelled(orderId, reason));
    }
  }

  /**
   * The order's reason from the saga's: a participant's refusal as it gave it ({@code OUT_OF_STOCK: ...},
   * {@code PAYMENT_DECLINED: ...}), else what stopped the saga (a step without reply, for example).
   */
  static String reason(@Nullable String lastError) {
    if (lastError == null) {
      return "SAGA_COMPENSATED";
    }
    int refusal = lastError.indexOf("FAILURE: ");
    if (refusal >= 0) {
      return lastError.substring(refusal + "FAILURE: ".length());
    }
    return (lastError.contains("no reply within") ? "TIMED_OUT: " : "STEP_FAILED: ") + lastError;
  }

  private static @Nullable String lastError(Connection connection, UUID orderId) throws SQLException {
    try (PreparedStatement statement = connection.prepareStatement(
        "SELECT last_error FROM saga_instance WHERE saga_type = ? AND saga_id = ?")) {
      statement.setString(1, PlaceOrderSaga.TYPE);
      statement.setString(2, orderId.toString());
      try (ResultSet rs = statement.executeQuery()) {
        return rs.next() ? rs.getString(1) : null;
      }
    }
  }

  private static boolean finish(Connection connection, UUID orderId, String status, @Nullable String reason)
      throws SQLException {
    try (PreparedStatement statement = connection.prepareStatement(Orders.FINISH)) {
      statement.setString(1, status);
      statement.setString(2, reason);
      statement.setObject(3, orderId);
      if (statement.executeUpdate() == 1) {
        log.debug("order {} {}", orderId, status);
        return true;
      }
    }
    // each saga moves once per reply (the orchestrator locks and versions its row): this would be a bug
    log.warn("order {} is not PENDING, so it cannot become {}", orderId, status);
    return false;
  }
}
