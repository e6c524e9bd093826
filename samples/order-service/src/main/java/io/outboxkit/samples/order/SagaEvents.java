package io.outboxkit.samples.order;

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

  /** Published when an order is placed; the inventory service reserves its stock. */
  record OrderCreated(UUID orderId, String customerId, String product, int quantity, BigDecimal amount) {
  }

  /** Published when an order's payment went through. */
  record OrderCompleted(UUID orderId) {
  }

  /** Published when an order was cancelled, with the reason ({@code OUT_OF_STOCK}, {@code PAYMENT_DECLINED}). */
  record OrderCancelled(UUID orderId, String reason) {
  }

  /** From the inventory service: not enough stock for the order. */
  record StockRejected(UUID orderId, @Nullable String reason) {
  }

  /** From the payment service: the order was charged. */
  record PaymentCompleted(UUID orderId) {
  }

  /** From the payment service: the payment was declined. */
  record PaymentFailed(UUID orderId, @Nullable String reason) {
  }
}
