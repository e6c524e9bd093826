package io.outboxkit.inbox.kafka;

import static io.outboxkit.inbox.EffectTable.count;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.outboxkit.inbox.EffectTable;
import io.outboxkit.test.OutboxIntegrationTest;
import io.outboxkit.test.TestDatabase;
import io.outboxkit.test.TestKafka;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The runner's meters, as a user reads them from the registry: each outcome moves its own counter, tagged with
 * the consumer name, and the counters agree with {@link InboxKafkaRunner#stats()}.
 */
@OutboxIntegrationTest
class RunnerMetersIT {

  private static final Duration WAIT = Duration.ofSeconds(120);

  @Test
  void eachOutcomeMovesItsOwnCounter(TestDatabase db, TestKafka kafka) throws Exception {
    try (RunnerFixture f = new RunnerFixture(db, kafka, "meters", 1)) {
      SimpleMeterRegistry registry = new SimpleMeterRegistry();
      String first = RunnerFixture.newId();
      String poison = RunnerFixture.newId();
      f.send("a", "{}", first, "T");
      f.send("a", "{}", first, "T"); // a duplicate
      f.send("p", "{}", poison, "T"); // fails twice, then a dead letter
      f.send("a", "{}", null, "T"); // no id header: skipped
      f.send("b", "{}", RunnerFixture.newId(), "T");
      InboxKafkaRunner runner = f.start(f.runner()
          .meterRegistry(registry)
          .maxAttempts(2)
          .invalidMessageAction(InvalidMessageAction.SKIP)
          .handler((message, connection) -> {
            if (message.messageId().equals(poison)) {
              throw new IllegalStateException("cannot handle " + poison);
            }
            EffectTable.apply(connection, message.messageId(), "done");
          }));

      await().atMost(WAIT).until(() -> f.committedOffset(0) == 5);
      assertThat(count(f.ds)).isEqualTo(2);
      assertThat(counter(registry, "outboxkit.inbox.processed", f.group)).isEqualTo(2);
      assertThat(counter(registry, "outboxkit.inbox.duplicates", f.group)).isEqualTo(1);
      assertThat(counter(registry, "outboxkit.inbox.failures", f.group)).isEqualTo(2);
      assertThat(counter(registry, "outboxkit.inbox.dead.letters", f.group)).isEqualTo(1);
      assertThat(counter(registry, "outboxkit.inbox.skipped", f.group)).isEqualTo(1);
      assertThat(counter(registry, "outboxkit.inbox.outages", f.group)).isZero();
      assertThat(runner.stats()).isEqualTo(new InboxKafkaRunner.Stats(2, 1, 2, 1, 1, 0));

      // the first record delivered again: absorbed by the inbox, counted as a duplicate and nothing else
      f.send("a", "{}", first, "T");
      f.flush();
      await().atMost(WAIT).until(() -> counter(registry, "outboxkit.inbox.duplicates", f.group) == 2);
      await().atMost(WAIT).until(() -> f.committedOffset(0) == 6);
      assertThat(counter(registry, "outboxkit.inbox.processed", f.group)).isEqualTo(2);
      assertThat(counter(registry, "outboxkit.inbox.failures", f.group)).isEqualTo(2);
      assertThat(count(f.ds)).isEqualTo(2);
    }
  }

  @Test
  void aBatchIsCountedMessageByMessage(TestDatabase db, TestKafka kafka) throws Exception {
    try (RunnerFixture f = new RunnerFixture(db, kafka, "batch-meters", 1)) {
      SimpleMeterRegistry registry = new SimpleMeterRegistry();
      String repeated = RunnerFixture.newId();
      f.send("a", "{}", repeated, "T");
      f.send("a", "{}", repeated, "T");
      f.send("b", "{}", RunnerFixture.newId(), "T");
      f.start(f.withoutHandler().meterRegistry(registry).batchHandler((messages, connection) -> {
        for (InboxMessage message : messages) {
          EffectTable.apply(connection, message.messageId(), "done");
        }
      }));

      await().atMost(WAIT).until(() -> f.committedOffset(0) == 3);
      assertThat(counter(registry, "outboxkit.inbox.processed", f.group)).isEqualTo(2);
      assertThat(counter(registry, "outboxkit.inbox.duplicates", f.group)).isEqualTo(1);
      assertThat(counter(registry, "outboxkit.inbox.failures", f.group)).isZero();
      assertThat(registry.find("outboxkit.inbox.processed").counters()).as("one consumer, one series").hasSize(1);
      assertThat(count(f.ds)).isEqualTo(2);
    }
  }

  private static double counter(SimpleMeterRegistry registry, String name, String consumer) {
    return registry.get(name).tag("consumer", consumer).counter().count();
  }
}
