package io.outboxkit.samples.order;

import io.outboxkit.samples.order.SagaEvents.OrderCancelled;
import io.outboxkit.samples.order.SagaEvents.OrderCompleted;
import io.outboxkit.writer.OutboxWriter;
import java.math.BigDecimal;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * The order aggregate. Every change of an order's status and the event that describes it are written in one
 * transaction: the outbox writer joins the transaction of this service's DataSource.
 */
@Service
class Orders {

  private static final Logger log = LoggerFactory.getLogger(Orders.class);

  /** PENDING to a final status, with the reason (parameters: status, reason, order id). */
  static final String FINISH = """
      UPDATE orders SET status = ?, reason = ?, finished_at = clock_timestamp()
      WHERE id = ? AND status = 'PENDING'""";

  private final JdbcClient jdbc;
  private final OutboxWriter outbox;
  private final OrderFlow flow;

  Orders(JdbcClient jdbc, OutboxWriter outbox, OrderFlow flow) {
    this.jdbc = jdbc;
    this.outbox = outbox;
    this.flow = flow;
  }

  /** An order as the service shows it. */
  record OrderView(UUID orderId, String customerId, String product, int quantity, BigDecimal amount,
      String status, @Nullable String reason, OffsetDateTime createdAt, @Nullable OffsetDateTime finishedAt) {
  }

  /**
   * Records a new PENDING order and begins its saga in the same transaction: starts the orchestrated saga, or
   * publishes {@code OrderCreated} in the choreography.
   */
  @Transactional
  public OrderView place(String customerId, String product, int quantity, BigDecimal amount) {
    UUID orderId = UUID.randomUUID();
    jdbc.sql("""
            INSERT INTO orders (id, customer_id, product, quantity, amount, status, created_at)
            VALUES (?, ?, ?, ?, ?, 'PENDING', clock_timestamp())""")
        .params(orderId, customerId, product, quantity, amount)
        .update();
    OrderView order = find(orderId).orElseThrow();
    flow.begin(order);
    return order;
  }

  /**
   * PENDING to COMPLETED, with {@code OrderCompleted}; called in the transaction of the consumed event (the
   * choreography; the orchestrated saga ends orders through {@link OrderOutcomes}).
   */
  @Transactional
  public void complete(UUID orderId) {
    if (finish(orderId, "COMPLETED", null)) {
      outbox.publish(Topics.ORDER_AGGREGATE, orderId.toString(), "OrderCompleted", new OrderCompleted(orderId));
    }
  }

  /** PENDING to CANCELLED, with {@code OrderCancelled}; called in the transaction of the consumed event. */
  @Transactional
  public void cancel(UUID orderId, String reason) {
    if (finish(orderId, "CANCELLED", reason)) {
      outbox.publish(Topics.ORDER_AGGREGATE, orderId.toString(), "OrderCancelled", new OrderCancelled(orderId, reason));
    }
  }

  private boolean finish(UUID orderId, String status, @Nullable String reason) {
    int updated = jdbc.sql(FINISH)
        .params(status, reason, orderId)
        .update();
    if (updated == 0) {
      // the saga never sends two final events for one order; this would be a bug in a service, not a duplicate
      // delivery (the inbox has absorbed those before this method runs)
      log.warn("order {} is not PENDING (status {}), so it cannot become {}", orderId,
          find(orderId).map(OrderView::status).orElse("unknown"), status);
      return false;
    }
    log.debug("order {} {}", orderId, status);
    return true;
  }

  /** The order, if it exists. */
  @Transactional(readOnly = true)
  public Optional<OrderView> find(UUID orderId) {
    return jdbc.sql("""
            SELECT id, customer_id, product, quantity, amount, status, reason, created_at, finished_at
            FROM orders WHERE id = ?""")
        .param(orderId)
        .query(Orders::view)
        .optional();
  }

  /** How many orders have each status. */
  @Transactional(readOnly = true)
  public Map<String, Long> countByStatus() {
    Map<String, Long> counts = new LinkedHashMap<>();
    jdbc.sql("SELECT status, count(*) FROM orders GROUP BY status ORDER BY status")
        .query(rs -> {
          counts.put(rs.getString(1), rs.getLong(2));
        });
    return counts;
  }

  private static OrderView view(ResultSet rs, int row) throws SQLException {
    return new OrderView(rs.getObject("id", UUID.class), rs.getString("customer_id"), rs.getString("product"),
        rs.getInt("quantity"), rs.getBigDecimal("amount"), rs.getString("status"), rs.getString("reason"),
        rs.getObject("created_at", OffsetDateTime.class), rs.getObject("finished_at", OffsetDateTime.class));
  }
}
