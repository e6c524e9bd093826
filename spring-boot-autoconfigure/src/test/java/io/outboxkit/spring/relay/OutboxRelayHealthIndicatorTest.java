package io.outboxkit.spring.relay;

import static org.assertj.core.api.Assertions.assertThat;

import io.outboxkit.relay.RelayState;
import io.outboxkit.relay.RelayStatus;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;

class OutboxRelayHealthIndicatorTest {

  private final FakeRelay relay = new FakeRelay();
  private final OutboxRelayHealthIndicator indicator = new OutboxRelayHealthIndicator(relay);

  private Health healthIn(RelayState state, String reason, long lag) {
    relay.status = new RelayStatus(state, reason, lag, Instant.parse("2026-03-01T10:00:00Z"));
    return indicator.health();
  }

  @Test
  void activeIsUpWithTheSlotLag() {
    Health health = healthIn(RelayState.ACTIVE, null, 4096);
    assertThat(health.getStatus()).isEqualTo(Status.UP);
    assertThat(health.getDetails()).containsEntry("state", "ACTIVE").containsEntry("slotLagBytes", 4096L)
        .containsEntry("since", "2026-03-01T10:00:00Z").doesNotContainKey("reason");
  }

  @Test
  void activeWhileRetryingShowsTheReason() {
    Health health = healthIn(RelayState.ACTIVE, "broker unreachable", -1);
    assertThat(health.getStatus()).isEqualTo(Status.UP);
    assertThat(health.getDetails()).containsEntry("reason", "broker unreachable").doesNotContainKey("slotLagBytes");
  }

  @Test
  void standbyAndStartingAreUpWithTheirState() {
    assertThat(healthIn(RelayState.STANDBY, null, 100).getStatus()).isEqualTo(Status.UP);
    assertThat(indicator.health().getDetails()).containsEntry("state", "STANDBY");
    assertThat(healthIn(RelayState.STARTING, null, -1).getDetails()).containsEntry("state", "STARTING");
  }

  @Test
  void failedIsDownWithTheReason() {
    Health health = healthIn(RelayState.FAILED, "wal_level is replica: set wal_level=logical", -1);
    assertThat(health.getStatus()).isEqualTo(Status.DOWN);
    assertThat(health.getDetails()).containsEntry("state", "FAILED")
        .containsEntry("reason", "wal_level is replica: set wal_level=logical");
  }

  @Test
  void stalledIsDownWithWhatWasSeen() {
    Health health = healthIn(RelayState.STALLED, "no heartbeat came back through the stream for 31 s", 81920);
    assertThat(health.getStatus()).isEqualTo(Status.DOWN);
    assertThat(health.getDetails()).containsEntry("state", "STALLED").containsEntry("slotLagBytes", 81920L)
        .containsEntry("reason", "no heartbeat came back through the stream for 31 s");
  }

  @Test
  void stoppedIsOutOfServiceAndNewIsUnknown() {
    assertThat(healthIn(RelayState.STOPPED, null, -1).getStatus()).isEqualTo(Status.OUT_OF_SERVICE);
    assertThat(healthIn(RelayState.NEW, null, -1).getStatus()).isEqualTo(Status.UNKNOWN);
  }
}
