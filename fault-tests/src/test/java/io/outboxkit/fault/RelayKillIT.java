package io.outboxkit.fault;

import io.outboxkit.relay.RelayState;
import io.outboxkit.test.OutboxIntegrationTest;
import io.outboxkit.test.TestDatabase;
import io.outboxkit.test.TestKafka;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.Test;

/**
 * The relay process is SIGKILLed and started again, over and over, while writers commit (and roll back 10%)
 * and two consumers apply: every committed event is applied exactly once. Short profile: 3 kills; long: 50.
 */
@OutboxIntegrationTest
class RelayKillIT {

  @Test
  void relayKilledAndRestartedRepeatedlyWhileWritersRun(TestDatabase orders, TestDatabase billing, TestKafka kafka) {
    try (Pipeline pipeline = Pipeline.create("relay-sigkill", orders, billing, kafka, 3)) {
      int kills = pipeline.profile().relayKills();
      pipeline.startConsumer("billing-1");
      pipeline.startConsumer("billing-2");
      pipeline.startWriters(3, 6);
      RelayChild relay = pipeline.startRelay("relay-0");
      for (int kill = 1; kill <= kills; kill++) {
        relay.awaitState(RelayState.ACTIVE);
        pipeline.awaitFlowing(50);
        ChildJvm.pause(ThreadLocalRandom.current().nextLong(1_000)); // a random moment of the stream
        relay.kill();
        pipeline.fault();
        long restartedAt = System.nanoTime();
        relay = pipeline.startRelay("relay-" + kill);
        long millis = pipeline.awaitRecovered(restartedAt);
        System.out.printf("[relay-sigkill] kill %d of %d: caught up %d ms after the new relay process was started%n",
            kill, kills, millis);
      }
      relay.awaitState(RelayState.ACTIVE);
      pipeline.awaitFlowing(50);
      pipeline.finish(kills + " SIGKILLs of the relay process, each followed by a new process; recovery from the "
          + "new process's launch", 0).assertNothingLostOrDuplicated();
    }
  }
}
