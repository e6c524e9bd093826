package io.outboxkit.samples.order;

/** The saga's topics: the relay sends each aggregate type to {@code outbox.event.<aggregate type>}. */
final class Topics {

  /** Aggregate type of the events this service publishes ({@code OrderCreated}, ...). */
  static final String ORDER_AGGREGATE = "order";

  /** The inventory service's events: {@code StockReserved}, {@code StockRejected}, {@code StockReleased}. */
  static final String STOCK = "outbox.event.stock";

  /** The payment service's events: {@code PaymentCompleted}, {@code PaymentFailed}. */
  static final String PAYMENT = "outbox.event.payment";

  private Topics() {
  }
}
