package io.outboxkit.saga;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.outboxkit.core.OutboxConfigurationException;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class SagaDefinitionTest {

  @Test
  void aSagaWithoutStepsIsRefusedWithItsName() {
    assertThatThrownBy(() -> SagaDefinition.builder("empty", String.class).build())
        .isInstanceOf(OutboxConfigurationException.class)
        .hasMessageContaining("saga 'empty' has no steps");
  }

  @Test
  void twoStepsWithOneNameAreRefusedWithTheName() {
    assertThatThrownBy(() -> SagaDefinition.builder("twice", String.class)
        .step("pay").invoke("payment", "Pay", d -> d)
        .step("pay").invoke("payment", "Pay", d -> d)
        .build())
        .isInstanceOf(OutboxConfigurationException.class)
        .hasMessageContaining("saga 'twice' has two steps named 'pay'");
  }

  @Test
  void aStepThatDoesNothingIsRefused() {
    assertThatThrownBy(() -> SagaDefinition.builder("idle", String.class).step("wait").build())
        .hasMessageContaining("saga 'idle' step 'wait' does nothing");
  }

  @Test
  void aCompensationAfterThePivotIsRefusedBecauseItCouldNeverRun() {
    assertThatThrownBy(() -> SagaDefinition.builder("ship", String.class)
        .step("charge").invoke("payment", "Charge", d -> d).pivot()
        .step("reserve").invoke("inventory", "Reserve", d -> d).compensate("Release", d -> d)
        .build())
        .hasMessageContaining("step 'reserve' comes after the pivot step 'charge'");
  }

  @Test
  void aStepEitherInvokesAParticipantOrRunsLocally() {
    assertThatThrownBy(() -> SagaDefinition.builder("both", String.class)
        .step("x").invoke("payment", "Charge", d -> d).local((d, c) -> { }))
        .hasMessageContaining("already invokes a participant");
    assertThatThrownBy(() -> SagaDefinition.builder("both", String.class)
        .step("x").local((d, c) -> { }).compensate("Undo", d -> d))
        .hasMessageContaining("call invoke(..) before compensate(..)");
  }

  @Test
  void namesAndDurationsAreCheckedWhenSet() {
    assertThatThrownBy(() -> SagaDefinition.builder("bad name", String.class))
        .hasMessageContaining("saga name is 'bad name'");
    assertThatThrownBy(() -> SagaDefinition.builder("s", String.class).step("a").timeout(Duration.ZERO))
        .hasMessageContaining("saga 's' step 'a' timeout is PT0S");
    assertThatThrownBy(() -> new RetryPolicy(0, Duration.ofSeconds(1), 2, Duration.ofSeconds(2), 0))
        .hasMessageContaining("maxAttempts is 0");
  }

  @Test
  void aDefinitionKeepsItsStepsInOrderWithTheirParticipants() {
    SagaDefinition<String> saga = SagaDefinition.builder("order", String.class)
        .timeout(Duration.ofMinutes(5))
        .step("reserve").invoke("inventory", "Reserve", d -> d).compensate("Release", d -> d)
        .step("charge").invoke("payment", "Charge", d -> d).pivot()
        .step("approve").local((d, c) -> { })
        .build();
    assertThat(saga.stepNames()).containsExactly("reserve", "charge", "approve");
    assertThat(saga.participants()).containsExactly("inventory", "payment");
    assertThat(saga.timeout()).isEqualTo(Duration.ofMinutes(5));
  }

  @Test
  void backoffGrowsAndStopsAtItsCap() {
    RetryPolicy policy = new RetryPolicy(10, Duration.ofMillis(100), 2, Duration.ofMillis(500), 0);
    assertThat(policy.delayAfter(1)).isEqualTo(Duration.ofMillis(100));
    assertThat(policy.delayAfter(2)).isEqualTo(Duration.ofMillis(200));
    assertThat(policy.delayAfter(3)).isEqualTo(Duration.ofMillis(400));
    assertThat(policy.delayAfter(9)).isEqualTo(Duration.ofMillis(500));
    RetryPolicy jittered = new RetryPolicy(10, Duration.ofMillis(1000), 1, Duration.ofMillis(1000), 0.2);
    for (int i = 0; i < 100; i++) {
      assertThat(jittered.delayAfter(1).toMillis()).isBetween(800L, 1200L);
    }
  }
}
