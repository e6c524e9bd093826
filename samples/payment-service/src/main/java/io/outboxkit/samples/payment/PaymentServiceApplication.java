package io.outboxkit.samples.payment;

import java.util.Map;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * The payment service. On {@code StockReserved} it charges the order and publishes {@code PaymentCompleted},
 * or declines it and publishes {@code PaymentFailed}, by the rule of {@link PaymentRule}. Customers' credit
 * limits are set with {@code PUT /customers/{customerId}}.
 *
 * <p>Its configuration is {@code payment-service.yml} (not {@code application.yml}, so that the three sample
 * services can share one class path in the shop demo).
 */
@SpringBootApplication(proxyBeanMethods = false)
public class PaymentServiceApplication {

  /** The application, configured by {@code payment-service.yml}; arguments given to {@code run} override it. */
  public static SpringApplication application() {
    SpringApplication application = new SpringApplication(PaymentServiceApplication.class);
    application.setMainApplicationClass(PaymentServiceApplication.class);
    application.setDefaultProperties(Map.of("spring.config.name", "payment-service"));
    return application;
  }

  public static void main(String[] args) {
    application().run(args);
  }
}
