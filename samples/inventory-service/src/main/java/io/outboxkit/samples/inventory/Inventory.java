package io.outboxkit.samples.inventory;

import io.outboxkit.samples.inventory.SagaEvents.OrderCreated;
import io.outboxkit.samples.inventory.SagaEvents.StockRejected;
import io.outboxkit.samples.inventory.SagaEvents.StockReleased;
import io.outboxkit.samples.inventory.SagaEvents.StockReserved;
import io.outboxkit.writer.OutboxWriter;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Stock and reservations. Each decision (reserve, reject, release) and its event are written in one
 * transaction: the outbox writer joins the transaction of this service's DataSource.
 */
@Service
class Inventory {

  private static final Logger log = LoggerFactory.getLogger(Inventory.class);

  private final JdbcClient jdbc;
  private final OutboxWriter outbox;

  Inventory(JdbcClient jdbc, OutboxWriter outbox) {
    this.jdbc = jdbc;
    this.outbox = outbox;
  }

  /** A product's stock: {@code available} can be reserved, {@code reserved} is held by orders. */
  record ProductView(String sku, int available, long reserved) {
  }

  /** An order's reservation: {@code RESERVED}, {@code RELEASED} or {@code REJECTED} (nothing was reserved). */
  record ReservationView(UUID orderId, String sku, int quantity, String status, @Nullable String reason) {
  }

  /** Reserves the order's quantity when available ({@code StockReserved}), else {@code StockRejected}. */
  @Transactional
  public void reserve(OrderCreated order) {
    int reserved = jdbc.sql("UPDATE product SET available = available - ? WHERE sku = ? AND available >= ?")
        .params(order.quantity(), order.product(), order.quantity())
        .update();
    String key = order.orderId().toString();
    if (reserved == 1) {
      insertReservation(order, "RESERVED", null);
      outbox.publish(Topics.STOCK_AGGREGATE, key, "StockReserved", new StockReserved(order.orderId(),
          order.customerId(), order.product(), order.quantity(), order.amount()));
      return;
    }
    Integer available = jdbc.sql("SELECT available FROM product WHERE sku = ?").param(order.product())
        .query(Integer.class).optional().orElse(null);
    String reason = available == null
        ? "unknown product " + order.product()
        : order.quantity() + " of " + order.product() + " requested, " + available + " available";
    insertReservation(order, "REJECTED", reason);
    outbox.publish(Topics.STOCK_AGGREGATE, key, "StockRejected",
        new StockRejected(order.orderId(), order.product(), order.quantity(), available, reason));
  }

  /** Gives an unpaid order's reservation back to the stock, with {@code StockReleased}. */
  @Transactional
  public void release(UUID orderId) {
    Optional<ReservationView> released = jdbc.sql("""
            UPDATE reservation SET status = 'RELEASED', updated_at = clock_timestamp()
            WHERE order_id = ? AND status = 'RESERVED'
            RETURNING order_id, sku, quantity, status, reason""")
        .param(orderId)
        .query(ReservationView.class)
        .optional();
    if (released.isEmpty()) {
      log.warn("order {} has no active reservation to release (status {})", orderId,
          reservation(orderId).map(ReservationView::status).orElse("none"));
      return;
    }
    ReservationView reservation = released.get();
    jdbc.sql("UPDATE product SET available = available + ? WHERE sku = ?")
        .params(reservation.quantity(), reservation.sku())
        .update();
    outbox.publish(Topics.STOCK_AGGREGATE, orderId.toString(), "StockReleased",
        new StockReleased(orderId, reservation.sku(), reservation.quantity()));
  }

  /** Sets a product's available stock (creating the product); an administrative change, without an event. */
  @Transactional
  public ProductView setStock(String sku, int available) {
    jdbc.sql("""
            INSERT INTO product (sku, available) VALUES (?, ?)
            ON CONFLICT (sku) DO UPDATE SET available = excluded.available""")
        .params(sku, available)
        .update();
    return product(sku).orElseThrow();
  }

  @Transactional(readOnly = true)
  public Optional<ProductView> product(String sku) {
    return jdbc.sql(PRODUCTS + " WHERE p.sku = ? GROUP BY p.sku, p.available").param(sku)
        .query(ProductView.class).optional();
  }

  @Transactional(readOnly = true)
  public List<ProductView> products() {
    return jdbc.sql(PRODUCTS + " GROUP BY p.sku, p.available ORDER BY p.sku").query(ProductView.class).list();
  }

  @Transactional(readOnly = true)
  public Optional<ReservationView> reservation(UUID orderId) {
    return jdbc.sql("SELECT order_id, sku, quantity, status, reason FROM reservation WHERE order_id = ?")
        .param(orderId).query(ReservationView.class).optional();
  }

  private static final String PRODUCTS = """
      SELECT p.sku, p.available, coalesce(sum(r.quantity) FILTER (WHERE r.status = 'RESERVED'), 0) AS reserved
      FROM product p LEFT JOIN reservation r ON r.sku = p.sku""";

  private void insertReservation(OrderCreated order, String status, @Nullable String reason) {
    jdbc.sql("""
            INSERT INTO reservation (order_id, sku, quantity, status, reason, created_at, updated_at)
            VALUES (?, ?, ?, ?, ?, clock_timestamp(), clock_timestamp())""")
        .params(order.orderId(), order.product(), order.quantity(), status, reason)
        .update();
  }
}
