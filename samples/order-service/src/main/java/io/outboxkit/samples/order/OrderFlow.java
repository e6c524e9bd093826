package io.outboxkit.samples.order;

import io.outboxkit.samples.order.Orders.OrderView;

/**
 * How a new order's saga begins, in the order's own transaction. Two flows, chosen by {@code shop.flow}:
 * {@code saga} (the default) starts the orchestrated saga ({@link PlaceOrderSaga}), {@code choreography}
 * publishes {@code OrderCreated} for the inventory service to react to.
 */
interface OrderFlow {

  /** The property that chooses the flow. */
  String PROPERTY = "shop.flow";

  /** Begins the saga of the new PENDING order, in the transaction that inserted it. */
  void begin(OrderView order);
}
