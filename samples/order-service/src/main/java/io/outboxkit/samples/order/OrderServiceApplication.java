package io.outboxkit.samples.order;

import java.util.Map;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * The order service. {@code POST /orders} records a new order as {@code PENDING} and, in the same transaction,
 * starts its saga ({@link PlaceOrderSaga}, {@code shop.flow=saga}, the default), which this service orchestrates,
 * or publishes {@code OrderCreated} through the outbox ({@code shop.flow=choreography}). The order becomes
 * {@code COMPLETED} at the saga's last step (or on {@code PaymentCompleted}) and {@code CANCELLED} when the saga
 * compensates (or on {@code StockRejected} or {@code PaymentFailed}), each change with its own event
 * ({@code OrderCompleted}, {@code OrderCancelled}).
 *
 * <p>Its configuration is {@code order-service.yml} (not {@code application.yml}, so that the three sample
 * services can share one class path in the shop demo).
 */
@SpringBootApplication(proxyBeanMethods = false)
public class OrderServiceApplication {

  /** The application, configured by {@code order-service.yml}; arguments given to {@code run} override it. */
  public static SpringApplication application() {
    SpringApplication application = new SpringApplication(OrderServiceApplication.class);
    application.setMainApplicationClass(OrderServiceApplication.class);
    application.setDefaultProperties(Map.of("spring.config.name", "order-service"));
    return application;
  }

  public static void main(String[] args) {
    application().run(args);
  }
}
