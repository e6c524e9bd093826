package io.outboxkit.samples.order;

import io.outboxkit.samples.order.Orders.OrderView;
import io.outboxkit.samples.order.SagaEvents.OrderCreated;
import io.outboxkit.writer.OutboxWriter;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.stereotype.Component;

/**
 * The choreographed flow ({@code shop.flow=choreography}): the order publishes {@code OrderCreated}, and each
 * service reacts to the others' events ({@link SagaListener}); no service directs the saga.
 */
@Component
@ConditionalOnProperty(name = OrderFlow.PROPERTY, havingValue = "choreography")
class ChoreographyFlow implements OrderFlow {

  private final OutboxWriter outbox;

  ChoreographyFlow(OutboxWriter outbox) {
    this.outbox = outbox;
  }

  @Override
  public void begin(OrderView order) {
    outbox.publish(Topics.ORDER_AGGREGATE, order.orderId().toString(), "OrderCreated",
        new OrderCreated(order.orderId(), order.customerId(), order.product(), order.quantity(), order.amount()));
  }
}
