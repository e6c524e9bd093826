package io.outboxkit.samples.inventory;

import java.math.BigDecimal;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * The events this service publishes and the parts it reads of the events it consumes. Each service keeps
 * its own copy of the fields it needs (a tolerant reader): no service shares classes or tables with another.
 */
final class SagaEvents {

  private SagaEvents() {
  }

  /** From the order service: a new order to reserve stock for. */
  record OrderCreated(UUID orderId, String customerId, String product, int quantity, BigDecimal amount) {
  }

  /** From the payment service: the order's payment was declined, so its reservation is released. */
  record PaymentFailed(UUID orderId) {
  }

  /**
   * Published when the stock is reserved; carries what the payment service needs to charge the order (it
   * never reads the order service's tables).
   */
  record StockReserved(UUID orderId, String customerId, String product, int quantity, BigDecimal amount) {
  }

  /** Published when the order cannot be served: {@code available} is null for an unknown product. */
  record StockRejected(UUID orderId, String product, int quantity, @Nullable Integer available, String reason) {
  }

  /** Published when a reservation is given back (its order's payment failed). */
  record StockReleased(UUID orderId, String product, int quantity) {
  }
}
