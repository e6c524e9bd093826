package io.outboxkit.samples.payment;

import java.math.BigDecimal;
import org.jspecify.annotations.Nullable;

/**
 * The payment service's one business rule: an order is charged when the customer has an account and the
 * order's amount is at most the customer's credit limit (a limit per order); otherwise it is declined.
 */
final class PaymentRule {

  private PaymentRule() {
  }

  /** The outcome for one order: charged, or declined with the reason. */
  record Decision(boolean charged, @Nullable String reason) {
  }

  /**
   * Decides one order.
   *
   * @param creditLimit the customer's credit limit, null when the customer has no account
   */
  static Decision decide(String customerId, BigDecimal amount, @Nullable BigDecimal creditLimit) {
    if (creditLimit == null) {
      return new Decision(false, "customer " + customerId + " has no account");
    }
    if (amount.compareTo(creditLimit) > 0) {
      return new Decision(false, "amount " + amount.toPlainString() + " is over the credit limit "
          + creditLimit.toPlainString() + " of customer " + customerId);
    }
    return new Decision(true, null);
  }
}
