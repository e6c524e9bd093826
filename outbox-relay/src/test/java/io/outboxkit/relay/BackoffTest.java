package io.outboxkit.relay;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class BackoffTest {

  @Test
  void thePublishersBackoffDoublesFrom100MillisecondsUpToTenSeconds() {
    assertThat(delays(Backoff.PUBLISHING, 9)).containsExactly(100L, 200L, 400L, 800L, 1600L, 3200L, 6400L,
        10_000L, 10_000L);
    assertThat(delays(Backoff.PUBLISHING, 50)).last().isEqualTo(10_000L);
  }

  @Test
  void theEngineRestartBackoffDoublesFromOneSecondUpToAMinute() {
    assertThat(delays(Backoff.ENGINE_RESTART, 8)).containsExactly(1_000L, 2_000L, 4_000L, 8_000L, 16_000L,
        32_000L, 60_000L, 60_000L);
  }

  @Test
  void eachSeriesCountsItsOwnAttemptsAndNeverEnds() {
    Backoff.Attempts first = Backoff.PUBLISHING.start();
    assertThat(first.count()).isZero();
    assertThat(first.delay()).isEqualTo(Duration.ZERO);
    for (int i = 0; i < 1000; i++) {
      first.failed();
    }
    assertThat(first.count()).isEqualTo(1000);
    assertThat(first.delay()).isEqualTo(Duration.ofSeconds(10));

    Backoff.Attempts second = Backoff.PUBLISHING.start();
    second.failed();
    assertThat(second.count()).isOne();
    assertThat(second.delay()).isEqualTo(Duration.ofMillis(100));
  }

  private static List<Long> delays(Backoff backoff, int failures) {
    Backoff.Attempts attempts = backoff.start();
    List<Long> delays = new ArrayList<>();
    for (int i = 0; i < failures; i++) {
      attempts.failed();
      delays.add(attempts.delay().toMillis());
    }
    return delays;
  }
}
