package io.outboxkit.samples.order;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class OrderOutcomesTest {

  @Test
  void aParticipantsRefusalBecomesTheOrdersReasonAsTheParticipantGaveIt() {
    assertThat(OrderOutcomes.reason("step 'reserve-stock' failed: FAILURE: OUT_OF_STOCK: 5 of p-01 requested, 3 available"))
        .isEqualTo("OUT_OF_STOCK: 5 of p-01 requested, 3 available");
    assertThat(OrderOutcomes.reason("step 'charge-payment' failed: FAILURE: PAYMENT_DECLINED: amount 240.00 is over"
        + " the credit limit 150.00 of customer c-04"))
        .isEqualTo("PAYMENT_DECLINED: amount 240.00 is over the credit limit 150.00 of customer c-04");
  }

  @Test
  void aStepWithoutReplyOrAnotherFailureIsNamedAsSuch() {
    assertThat(OrderOutcomes.reason("step 'charge-payment' did not succeed in 3 attempts (no reply within PT20S)"))
        .isEqualTo("TIMED_OUT: step 'charge-payment' did not succeed in 3 attempts (no reply within PT20S)");
    assertThat(OrderOutcomes.reason("local step 'confirm-order' failed: SQLException: boom"))
        .isEqualTo("STEP_FAILED: local step 'confirm-order' failed: SQLException: boom");
    assertThat(OrderOutcomes.reason(null)).isEqualTo("SAGA_COMPENSATED");
  }
}
