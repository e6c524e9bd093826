package io.outboxkit.samples.payment;

import java.math.BigDecimal;
import java.util.UUID;

/**
 * The events this service publishes and the parts it reads of the events it consumes. Each service keeps
 * its own copy of the fields it needs (a tolerant reader): no service shares classes or tables with another.
 */
final class SagaEvents {

  private SagaEvents() {
  }

  /** From the inventory service: the order's stock is held, charge it. */
  record StockReserved(UUID orderId, String customerId, BigDecimal amount) {
  }

  /** Published when the order was charged. */
  record PaymentCompleted(UUID orderId, String customerId, BigDecimal amount) {
  }

  /** Published when the payment was declined: the inventory releases the stock, the order is cancelled. */
  record PaymentFailed(UUID orderId, String customerId, BigDecimal amount, String reason) {
  }
}
