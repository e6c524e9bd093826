package io.outboxkit.fault;


import io.outboxkit.relay.RelayState;
import io.outboxkit.test.KafkaServer;
import io.outboxkit.test.OutboxIntegrationTest;
import io.outboxkit.test.TestDatabase;
import io.outboxkit.test.TestKafka;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The Kafka broker (a process of its own) is killed with SIGKILL, or stopped, and started again while
 * writers commit, the relay process streams and two consumers apply: every committed event is applied
 * exactly once. Short profile: one SIGKILL, broker down 8 s; long: five outages of 15 s, SIGKILL and
 * graceful stop in turn.
 */
@OutboxIntegrationTest(embedded = true)
class BrokerKillIT {

  @Test
  void brokerKilledAndRestartedWhileRelayAndConsumersRun(TestDatabase orders, TestDatabase billing, TestKafka kafka,
      KafkaServer broker) {
    try (Pipeline pipeline = Pipeline.create("broker-kill", orders, billing, kafka, 3)) {
      FaultProfile profile = pipeline.profile();
      pipeline.startConsumer("billing-1");
      pipeline.startConsumer("billing-2");
      pipeline.startWriters(3, 6);
      RelayChild relay = pipeline.startRelay("relay");
      relay.awaitState(RelayState.ACTIVE);
      List<String> reasons = new ArrayList<>();
      for (int outage = 1; outage <= profile.brokerOutages(); outage++) {
        pipeline.awaitFlowing(50);
        boolean kill = outage % 2 == 1;
        int reportsBefore = relay.reports().size();
        if (kill) {
          broker.kill();
        } else {
          broker.stop();
        }
        pipeline.fault();
        ChildJvm.pause(profile.brokerDownMillis()); // the outage itself: writers keep committing meanwhile
        broker.start();
        long back = System.nanoTime();
        long millis = pipeline.awaitRecovered(back);
        relay.reports().stream().skip(reportsBefore).filter(r -> !r.endsWith("reason=null")).findFirst()
            .ifPresent(reasons::add);
        System.out.printf("[broker-kill] outage %d of %d (%s, %d s): caught up %d ms after the broker served again%n",
            outage, profile.brokerOutages(), kill ? "SIGKILL" : "stop", profile.brokerDownMillis() / 1000, millis);
      }
      pipeline.finish(profile.brokerOutages() + " broker outage(s) of " + profile.brokerDownMillis() / 1000
          + " s (SIGKILL, then stop and SIGKILL in turn); recovery from the broker serving again; relay said: "
          + (reasons.isEmpty() ? "nothing" : reasons.get(0).replace('"', '\'')), 0).assertNothingLostOrDuplicated();
    }
  }
}
