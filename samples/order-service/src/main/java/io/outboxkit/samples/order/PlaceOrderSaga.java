package io.outboxkit.samples.order;

import io.outboxkit.saga.SagaDefinition;
import io.outboxkit.saga.SagaOrchestrator;
import io.outboxkit.writer.OutboxWriter;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.UUID;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The orchestrated flow ({@code shop.flow=saga}, the default): this service directs each order's saga. The
 * order is inserted PENDING and the saga started in one transaction; then stock is reserved at the inventory
 * service, the payment charged at the payment service, and the order confirmed here. When a step fails, the
 * steps done before it are compensated in reverse order: the charge refunded, the stock released, the order
 * cancelled with the reason.
 *
 * <p>The saga's state, history and deadlines live in this service's database (tables {@code saga_instance}
 * and {@code saga_step_history}); the commands go out through its outbox to {@code outbox.event.inventory}
 * and {@code outbox.event.payment}, and the replies come back through its inbox from
 * {@code outbox.event.saga-replies}.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnProperty(name = OrderFlow.PROPERTY, havingValue = "saga", matchIfMissing = true)
class PlaceOrderSaga {

  /** The saga type, also the {@code saga_type} of its rows. */
  static final String TYPE = "place-order";

  /** The saga's data: what the order's steps need. Stored as JSON in {@code saga_instance.data}. */
  record PlaceOrder(UUID orderId, String customerId, String product, int quantity, BigDecimal amount) {
  }

  /** To the inventory service: hold the quantity of the product for the order. */
  record ReserveStock(UUID orderId, String product, int quantity) {
  }

  /** To the inventory service: give the order's reservation back (compensation of ReserveStock). */
  record ReleaseStock(UUID orderId) {
  }

  /** To the payment service: charge the customer the order's amount. */
  record ChargePayment(UUID orderId, String customerId, BigDecimal amount) {
  }

  /** To the payment service: refund the order's charge (compensation of ChargePayment). */
  record RefundPayment(UUID orderId) {
  }

  /**
   * How long a participant step waits for its reply before it sends the command again (three sends, then the
   * saga compensates). A resend is absorbed by the participant's barrier if the first one did arrive.
   */
  static final Duration STEP_TIMEOUT = Duration.ofSeconds(30);

  /**
   * The saga. {@code paymentTimeout} ({@code shop.saga.payment-timeout}, default {@link #STEP_TIMEOUT}) is the
   * charge step's timeout; the shop demo shortens it so that its payment faults outlast it.
   */
  @Bean
  SagaDefinition<PlaceOrder> placeOrder(OutboxWriter outbox,
      @Value("${shop.saga.payment-timeout:30s}") Duration paymentTimeout) {
    if (paymentTimeout.isNegative() || paymentTimeout.isZero()) {
      throw new IllegalArgumentException("shop.saga.payment-timeout is " + paymentTimeout + ": give a positive "
          + "duration such as 30s");
    }
    OrderOutcomes orders = new OrderOutcomes(outbox);
    return SagaDefinition.builder(TYPE, PlaceOrder.class)
        // the order was inserted PENDING with the saga's start: nothing to do forward, cancel it when compensating
        .step("create-order")
        .local((order, connection) -> { })
        .localCompensation((order, connection) -> orders.cancel(connection, order.orderId()))
        .step("reserve-stock")
        .invoke("inventory", "ReserveStock", order -> new ReserveStock(order.orderId(), order.product(),
            order.quantity()))
        .compensate("ReleaseStock", order -> new ReleaseStock(order.orderId()))
        .timeout(STEP_TIMEOUT)
        .step("charge-payment")
        .invoke("payment", "ChargePayment", order -> new ChargePayment(order.orderId(), order.customerId(),
            order.amount()))
        .compensate("RefundPayment", order -> new RefundPayment(order.orderId()))
        .timeout(paymentTimeout)
        .step("confirm-order")
        .local((order, connection) -> orders.complete(connection, order.orderId()))
        .build();
  }

  /** Starts the saga in the order's transaction: both commit together or not at all. */
  @Bean
  OrderFlow orchestratedFlow(SagaOrchestrator orchestrator) {
    return order -> orchestrator.start(TYPE, order.orderId().toString(), new PlaceOrder(order.orderId(),
        order.customerId(), order.product(), order.quantity(), order.amount()));
  }
}
