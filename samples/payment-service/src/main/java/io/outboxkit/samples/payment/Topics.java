package io.outboxkit.samples.payment;

/** The saga's topics: the relay sends each aggregate type to {@code outbox.event.<aggregate type>}. */
final class Topics {

  /** Aggregate type of the events this service publishes ({@code PaymentCompleted}, {@code PaymentFailed}). */
  static final String PAYMENT_AGGREGATE = "payment";

  /** The inventory service's events: {@code StockReserved}, {@code StockRejected}, {@code StockReleased}. */
  static final String STOCK = "outbox.event.stock";

  private Topics() {
  }
}
