package io.outboxkit.samples.order;

import java.util.Map;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * The order service. {@code POST /orders} records a new order as {@code PENDING} and publishes
 * {@code OrderCreated} through the outbox in the same transaction; the order becomes {@code COMPLETED} on
 * {@code PaymentCompleted} and {@code CANCELLED} on {@code StockRejected} or {@code PaymentFailed}, each change
 * with its own event ({@code OrderCompleted}, {@code OrderCancelled}).
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
