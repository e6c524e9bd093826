package io.outboxkit.relay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.outboxkit.test.OutboxIntegrationTest;
import io.outboxkit.test.TestDatabase;
import io.outboxkit.test.TestKafka;
import io.outboxkit.core.WriteMode;
import java.time.Duration;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

/**
 * A rough backlog-drain figure (not a benchmark: the benchmark harness measures against the baselines):
 * events written while no relay runs, then the time from {@code start()} until all are on the topic.
 * Runs only with {@code -Doutboxkit.relay.drainEvents=N}.
 */
@OutboxIntegrationTest
class BacklogDrainIT {

  @Test
  void drainsABacklog(TestDatabase db, TestKafka kafka) throws Exception {
    int events = Integer.getInteger("outboxkit.relay.drainEvents", 0);
    assumeTrue(events > 0, "set -Doutboxkit.relay.drainEvents=N to measure a backlog drain");
    RelayFixture.installSchema(db);
    String prefix = kafka.newTopic("drain") + ".";
    String topic = prefix + "counter";
    kafka.createTopic(topic, 4);
    EventLoad load = new EventLoad(events, 1000, 100, "counter");
    load.write(db, RelayFixture.writer(db, WriteMode.TABLE));
    try (OutboxRelay relay = RelayFixture.relay(db, kafka, prefix).build()) {
      long start = System.nanoTime();
      relay.start();
      List<ConsumerRecord<byte[], byte[]>> records =
          RelayFixture.readUntil(kafka, List.of(topic), load::allArrived, Duration.ofSeconds(300));
      long millis = (System.nanoTime() - start) / 1_000_000;
      EventLoad.Outcome outcome = load.check(records);
      System.out.printf("backlog drain: %d events in %d ms from start() (%.0f events/s, including engine start "
          + "and the reader's polling); %d missing, %d order violations%n", events, millis,
          events * 1000.0 / millis, outcome.missing(), outcome.orderViolations());
      assertThat(outcome.missing()).isZero();
    }
  }
}
