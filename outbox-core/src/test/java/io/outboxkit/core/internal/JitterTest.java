package io.outboxkit.core.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.outboxkit.core.OutboxConfigurationException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class JitterTest {

  @Test
  void eachDelayVariesByTheFractionInBothDirections() {
    List<Long> delays = new ArrayList<>();
    for (int i = 0; i < 500; i++) {
      delays.add(Jitter.apply(Duration.ofSeconds(1), 0.2).toMillis());
    }
    assertThat(delays).allSatisfy(delay -> assertThat(delay).isBetween(800L, 1200L));
    assertThat(delays).anySatisfy(delay -> assertThat(delay).isLessThan(950L));
    assertThat(delays).anySatisfy(delay -> assertThat(delay).isGreaterThan(1050L));
  }

  @Test
  void noJitterKeepsTheDelay() {
    assertThat(Jitter.apply(Duration.ofMillis(1234), 0)).isEqualTo(Duration.ofMillis(1234));
  }

  @Test
  void aFractionOutsideZeroToOneIsRefusedNamingTheSetting() {
    assertThat(Jitter.requireFraction("x.jitter", 0.99)).isEqualTo(0.99);
    for (double bad : new double[] {-0.1, 1.0, 1.5, Double.NaN}) {
      assertThatThrownBy(() -> Jitter.requireFraction("x.jitter", bad))
          .isInstanceOf(OutboxConfigurationException.class).hasMessageContaining("x.jitter is ");
    }
  }
}
