package io.outboxkit.samples.payment;

import io.outboxkit.samples.payment.Payments.AccountView;
import io.outboxkit.samples.payment.Payments.PaymentView;
import java.math.BigDecimal;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ResponseStatusException;

/** {@code PUT /customers/{customerId}}, {@code GET /customers/{customerId}} and {@code GET /payments/{orderId}}. */
@RestController
class PaymentController {

  private final Payments payments;

  PaymentController(Payments payments) {
    this.payments = payments;
  }

  /** The body of {@code PUT /customers/{customerId}}: the largest amount one order of the customer may have. */
  record SetCreditLimit(@Nullable BigDecimal creditLimit) {
  }

  @PutMapping("/customers/{customerId}")
  AccountView setCreditLimit(@PathVariable String customerId, @RequestBody SetCreditLimit request) {
    BigDecimal limit = request.creditLimit();
    if (limit == null || limit.signum() < 0 || limit.scale() > 2 || limit.precision() - limit.scale() > 10) {
      throw new ResponseStatusException(HttpStatus.BAD_REQUEST,
          "creditLimit must be an amount of at least 0 with at most 2 decimals, below 10^10");
    }
    if (customerId.isBlank() || customerId.length() > 64) {
      throw new ResponseStatusException(HttpStatus.BAD_REQUEST, "customerId must be 1 to 64 characters");
    }
    return payments.setCreditLimit(customerId, limit);
  }

  @GetMapping("/customers/{customerId}")
  AccountView account(@PathVariable String customerId) {
    return payments.account(customerId)
        .orElseThrow(() -> new ResponseStatusException(HttpStatus.NOT_FOUND, "no customer " + customerId));
  }

  @GetMapping("/payments/{orderId}")
  PaymentView payment(@PathVariable UUID orderId) {
    return payments.payment(orderId)
        .orElseThrow(() -> new ResponseStatusException(HttpStatus.NOT_FOUND, "no payment for order " + orderId));
  }
}
