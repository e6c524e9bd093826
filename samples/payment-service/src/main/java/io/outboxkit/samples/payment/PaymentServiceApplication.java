package io.outboxkit.samples.payment;

import java.util.Map;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * The payment service. It charges an order or declines it by the rule of {@link PaymentRule}: in the saga flow
 * as a participant of the order service's saga ({@link PaymentParticipant}: {@code ChargePayment},
 * {@code RefundPayment}), in the choreography on {@code StockReserved}, publishing {@code PaymentCompleted} or
 * {@code PaymentFailed}. Customers' credit
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
