package io.outboxkit.inbox.kafka;

import static io.outboxkit.inbox.EffectTable.count;
import static io.outboxkit.inbox.EffectTable.doubles;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.outboxkit.test.OutboxIntegrationTest;
import io.outboxkit.test.PostgresServer;
import io.outboxkit.test.TestDatabase;
import io.outboxkit.test.TestKafka;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The database goes away while records arrive: the runner waits with backoff for as long as it takes,
 * without counting attempts against the records, so nothing healthy ends in the dead-letter topic.
 */
@OutboxIntegrationTest(embedded = true)
class DatabaseOutageIT {

  @Test
  void unreachableDatabaseIsRetriedWithoutDeadLettering(TestDatabase db, TestKafka kafka, PostgresServer postgres)
      throws Exception {
    try (RunnerFixture f = new RunnerFixture(db, kafka, "outage", 1)) {
      InboxKafkaRunner runner = f.start(f.runner()
          .maxAttempts(2)
          .backoff(Duration.ofMillis(100), Duration.ofSeconds(1)));
      for (int i = 0; i < 5; i++) {
        f.send("a", "{}", "evt-" + i, "T");
      }
      f.flush();
      await().atMost(Duration.ofSeconds(120)).until(() -> count(f.ds) == 5);

      postgres.stop();
      try {
        for (int i = 5; i < 15; i++) {
          f.send("a", "{}", "evt-" + i, "T");
        }
        f.flush();
        await().atMost(Duration.ofSeconds(120)).until(() -> runner.stats().outages() >= 1);
        // several times maxAttempts worth of retries while the database is down, none dead-lettered
        await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(30))
            .until(() -> runner.stats().deadLettered() == 0 && runner.isRunning());
      } finally {
        postgres.start();
      }

      await().atMost(Duration.ofSeconds(120)).until(() -> count(f.ds) == 15);
      assertThat(doubles(f.ds)).isZero();
      assertThat(runner.stats().deadLettered()).isZero();
      assertThat(runner.stats().failedAttempts()).isZero();
      assertThat(runner.stats().processed()).isEqualTo(15);
      await().atMost(Duration.ofSeconds(120)).until(() -> f.committedOffset(0) == 15);
    }
  }
}
