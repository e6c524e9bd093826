package io.outboxkit.samples.inventory;

import java.util.Map;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * The inventory service. In the saga flow it is a participant of the order service's saga
 * ({@link StockParticipant}): {@code ReserveStock} reserves the ordered quantity or refuses when the product has
 * less available (or is unknown), {@code ReleaseStock} gives it back. In the choreography, on {@code OrderCreated}
 * it reserves and publishes {@code StockReserved}, or publishes {@code StockRejected}; on {@code PaymentFailed} it
 * releases the order's reservation and publishes {@code StockReleased}.
 * Stock is set with {@code PUT /products/{sku}}.
 *
 * <p>Its configuration is {@code inventory-service.yml} (not {@code application.yml}, so that the three
 * sample services can share one class path in the shop demo).
 */
@SpringBootApplication(proxyBeanMethods = false)
public class InventoryServiceApplication {

  /** The application, configured by {@code inventory-service.yml}; arguments given to {@code run} override it. */
  public static SpringApplication application() {
    SpringApplication application = new SpringApplication(InventoryServiceApplication.class);
    application.setMainApplicationClass(InventoryServiceApplication.class);
    application.setDefaultProperties(Map.of("spring.config.name", "inventory-service"));
    return application;
  }

  public static void main(String[] args) {
    application().run(args);
  }
}
