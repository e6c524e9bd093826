package io.outboxkit.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.UUID;
import org.junit.jupiter.api.Test;

class EventIdsTest {

  @Test
  void idsAreVersion7AndIncreaseWithinOneGenerator() {
    UUID previous = EventIds.next();
    for (int i = 0; i < 20_000; i++) {
      UUID next = EventIds.next();
      assertThat(next.version()).isEqualTo(7);
      assertThat(next.variant()).isEqualTo(2);
      assertThat(Long.compareUnsigned(next.getMostSignificantBits(), previous.getMostSignificantBits()))
          .as("ids of one generator increase").isPositive();
      previous = next;
    }
  }
}
