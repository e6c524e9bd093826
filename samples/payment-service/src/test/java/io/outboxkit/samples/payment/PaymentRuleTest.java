package io.outboxkit.samples.payment;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import org.junit.jupiter.api.Test;

class PaymentRuleTest {

  @Test
  void chargesUpToTheCreditLimitIncluded() {
    assertThat(PaymentRule.decide("c-1", new BigDecimal("199.99"), new BigDecimal("200.00")).charged()).isTrue();
    assertThat(PaymentRule.decide("c-1", new BigDecimal("200.00"), new BigDecimal("200")).charged()).isTrue();
  }

  @Test
  void declinesAboveTheCreditLimitWithTheAmountsInTheReason() {
    PaymentRule.Decision decision = PaymentRule.decide("c-1", new BigDecimal("200.01"), new BigDecimal("200.00"));
    assertThat(decision.charged()).isFalse();
    assertThat(decision.reason()).isEqualTo("amount 200.01 is over the credit limit 200.00 of customer c-1");
  }

  @Test
  void declinesCustomersWithoutAccount() {
    PaymentRule.Decision decision = PaymentRule.decide("nobody", BigDecimal.ONE, null);
    assertThat(decision.charged()).isFalse();
    assertThat(decision.reason()).isEqualTo("customer nobody has no account");
  }
}
