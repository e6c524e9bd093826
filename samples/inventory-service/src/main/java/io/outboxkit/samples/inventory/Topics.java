package io.outboxkit.samples.inventory;

/** The saga's topics: the relay sends each aggregate type to {@code outbox.event.<aggregate type>}. */
final class Topics {

  /** Aggregate type of the events this service publishes ({@code StockReserved}, ...). */
  static final String STOCK_AGGREGATE = "stock";

  /** The order service's events: {@code OrderCreated}, {@code OrderCompleted}, {@code OrderCancelled}. */
  static final String ORDER = "outbox.event.order";

  /** The payment service's events: {@code PaymentCompleted}, {@code PaymentFailed}. */
  static final String PAYMENT = "outbox.event.payment";

  private Topics() {
  }
}
