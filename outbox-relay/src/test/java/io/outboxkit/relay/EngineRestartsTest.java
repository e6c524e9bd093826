package io.outboxkit.relay;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class EngineRestartsTest {

  private final EngineRestarts restarts = new EngineRestarts();

  @Test
  void theWaitDoublesFromOneSecondAndTheThirdFailureInARowIsNoLongerAStart() {
    assertThat(restarts.millisToWait()).isZero();

    assertThat(restarts.failed(Duration.ofSeconds(1)))
        .isEqualTo(new EngineRestarts.Restart(1, Duration.ofSeconds(1)))
        .extracting(EngineRestarts.Restart::state).isEqualTo(RelayState.STARTING);
    assertThat(restarts.millisToWait()).isBetween(1L, 1_000L);
    assertThat(restarts.failed(Duration.ofSeconds(1)))
        .isEqualTo(new EngineRestarts.Restart(2, Duration.ofSeconds(2)))
        .extracting(EngineRestarts.Restart::state).isEqualTo(RelayState.STARTING);
    assertThat(restarts.failed(Duration.ofSeconds(1)))
        .isEqualTo(new EngineRestarts.Restart(3, Duration.ofSeconds(4)))
        .extracting(EngineRestarts.Restart::state).isEqualTo(RelayState.STALLED);
    assertThat(restarts.millisToWait()).isBetween(2_000L, 4_000L);
    for (int i = 4; i <= 10; i++) {
      restarts.failed(Duration.ofSeconds(1));
    }
    assertThat(restarts.failed(Duration.ofSeconds(1))).isEqualTo(new EngineRestarts.Restart(11, Duration.ofMinutes(1)));
  }

  @Test
  void anEngineThatRanLongerThanAMinuteBeginsANewRowOfFailures() {
    restarts.failed(Duration.ofSeconds(5));
    restarts.failed(Duration.ofSeconds(5));
    restarts.failed(Duration.ofSeconds(5));

    EngineRestarts.Restart afterALongRun = restarts.failed(EngineRestarts.NEW_ROW_AFTER.plusSeconds(1));

    assertThat(afterALongRun).isEqualTo(new EngineRestarts.Restart(1, Duration.ofSeconds(1)));
    assertThat(afterALongRun.state()).isEqualTo(RelayState.STARTING);
  }

  @Test
  void aNewStartForgetsTheFailuresAndTheWait() {
    restarts.failed(Duration.ofSeconds(1));
    restarts.failed(Duration.ofSeconds(1));

    restarts.reset();

    assertThat(restarts.millisToWait()).isZero();
    assertThat(restarts.failed(Duration.ofSeconds(1)).attempt()).isOne();
  }
}
