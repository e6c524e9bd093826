package io.outboxkit.fault;

import static org.assertj.core.api.Assertions.assertThat;

import io.outboxkit.inbox.kafka.InboxKafkaRunner;
import io.outboxkit.relay.RelayState;
import io.outboxkit.test.OutboxIntegrationTest;
import io.outboxkit.test.TestDatabase;
import io.outboxkit.test.TestKafka;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.Test;

/**
 * A consumer process is SIGKILLed between its database commits and its offset commit: it stops inside the
 * handler of a record while the records before it in the same poll are committed in the database and not
 * in Kafka, and is killed there. The group's other member (in this JVM) and the next process get those
 * records again and recognize them: every committed event is applied exactly once. Short profile: 3 kills;
 * long: 20.
 */
@OutboxIntegrationTest
class ConsumerKillIT {

  private static int pauseAfter() {
    return 30 + ThreadLocalRandom.current().nextInt(90);
  }

  @Test
  void consumerKilledBetweenDatabaseCommitAndOffsetCommit(TestDatabase orders, TestDatabase billing, TestKafka kafka) {
    try (Pipeline pipeline = Pipeline.create("consumer-kill", orders, billing, kafka, 4)) {
      int kills = pipeline.profile().consumerKills();
      InboxKafkaRunner steady = pipeline.startConsumer("billing-steady");
      pipeline.startWriters(3, 8);
      RelayChild relay = pipeline.startRelay("relay");
      relay.awaitState(RelayState.ACTIVE);
      List<Long> inDoubt = new ArrayList<>();
      List<ConsumerChild> processes = new ArrayList<>();
      ConsumerChild consumer = pipeline.startConsumerChild("billing-process-1");
      processes.add(consumer);
      for (int kill = 1; kill <= kills; kill++) {
        consumer.armPause(pauseAfter());
        String paused = consumer.awaitPaused(Duration.ofSeconds(180));
        long doubt = pipeline.inDoubt(consumer.instance());
        consumer.kill();
        pipeline.fault();
        long killedAt = System.nanoTime();
        inDoubt.add(doubt);
        // the process supervisor starts a new one at once; it is armed once the pipeline caught up
        consumer = pipeline.startConsumerChild("billing-process-" + (kill + 1));
        processes.add(consumer);
        long millis = pipeline.awaitRecovered(killedAt);
        System.out.printf("[consumer-kill] kill %d of %d (%s): %d records committed in the database and not in "
            + "Kafka at the kill; caught up %d ms after it%n", kill, kills, paused, doubt, millis);
      }
      long recognized = steady.stats().duplicates() + processes.stream().mapToLong(ConsumerChild::duplicates).sum();
      Reconciliation result = pipeline.finish(kills + " SIGKILLs of a consumer process between database and offset "
          + "commits, records in doubt at each kill " + inDoubt + "; recovery from the kill (includes the 6 s "
          + "session timeout of the killed member); redeliveries recognized as duplicates by the "
          + "group's members: " + recognized, 0);
      result.assertNothingLostOrDuplicated();
      assertThat(recognized).as("redeliveries recognized as duplicates: every record in doubt at a kill comes again")
          .isGreaterThanOrEqualTo(inDoubt.stream().mapToLong(Long::longValue).sum());
      assertThat(inDoubt).as("records applied but not committed to Kafka at each kill: without them a kill "
          + "missed the window it is meant to hit").allSatisfy(n -> assertThat(n).isPositive());
    }
  }
}
