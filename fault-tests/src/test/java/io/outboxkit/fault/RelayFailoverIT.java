package io.outboxkit.fault;

import static org.assertj.core.api.Assertions.assertThat;

import io.outboxkit.relay.RelayState;
import io.outboxkit.test.OutboxIntegrationTest;
import io.outboxkit.test.TestDatabase;
import io.outboxkit.test.TestKafka;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * Two relay processes on one slot: the active one is SIGKILLed, the standby takes over, and a new process
 * becomes the next standby, while writers commit and two consumers apply. Every committed event is applied
 * exactly once. Short profile: 2 failovers; long: 20.
 */
@OutboxIntegrationTest
class RelayFailoverIT {

  @Test
  void activeRelayKilledStandbyTakesOver(TestDatabase orders, TestDatabase billing, TestKafka kafka) {
    try (Pipeline pipeline = Pipeline.create("relay-failover", orders, billing, kafka, 3)) {
      int failovers = pipeline.profile().failovers();
      pipeline.startConsumer("billing-1");
      pipeline.startConsumer("billing-2");
      pipeline.startWriters(3, 6);
      RelayChild active = pipeline.startRelay("relay-1");
      active.awaitState(RelayState.ACTIVE);
      RelayChild standby = pipeline.startRelay("relay-2");
      standby.awaitState(RelayState.STANDBY);
      long longestTakeover = 0;
      for (int failover = 1; failover <= failovers; failover++) {
        pipeline.awaitFlowing(50);
        active.kill();
        pipeline.fault();
        long killedAt = System.nanoTime();
        standby.awaitState(RelayState.ACTIVE, Duration.ofSeconds(60));
        long takeover = (System.nanoTime() - killedAt) / 1_000_000;
        longestTakeover = Math.max(longestTakeover, takeover);
        RelayChild next = pipeline.startRelay("relay-" + (failover + 2));
        long millis = pipeline.awaitRecovered(killedAt);
        next.awaitState(RelayState.STANDBY);
        System.out.printf("[relay-failover] failover %d of %d: standby ACTIVE %d ms after the kill; caught up %d ms "
            + "after it%n", failover, failovers, takeover, millis);
        active = standby;
        standby = next;
      }
      Reconciliation result = pipeline.finish(failovers + " SIGKILLs of the active relay of two; longest takeover "
          + longestTakeover + " ms; recovery from the kill", 0);
      result.assertNothingLostOrDuplicated();
      assertThat(longestTakeover).as("takeover by the standby").isLessThan(30_000);
    }
  }
}
