package io.outboxkit.relay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.outboxkit.test.OutboxIntegrationTest;
import io.outboxkit.test.TestDatabase;
import io.outboxkit.test.TestKafka;
import io.outboxkit.core.WriteMode;
import java.time.Duration;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

/** One active relay per slot: the second stands by and takes over when the first goes away. */
@OutboxIntegrationTest
class HighAvailabilityIT {

  @Test
  void standbyTakesOverWhenTheActiveRelayCloses(TestDatabase db, TestKafka kafka) throws Exception {
    RelayFixture.installSchema(db);
    String prefix = kafka.newTopic("ha") + ".";
    String topic = prefix + "counter";
    EventLoad load = new EventLoad(2000, 20, 10, "counter");

    OutboxRelay first = RelayFixture.relay(db, kafka, prefix).build();
    OutboxRelay second = RelayFixture.relay(db, kafka, prefix).build();
    try (first; second) {
      first.start();
      RelayFixture.awaitActive(first);
      second.start();
      RelayFixture.awaitStandby(second);
      assertThat(first.status().state()).isEqualTo(RelayState.ACTIVE);

      var writing = load.writeInBackground(db, RelayFixture.writer(db, WriteMode.TABLE));
      kafka.readRecords(topic, 500, RelayFixture.TIMEOUT);
      long closedAt = System.nanoTime();
      first.close();
      await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50))
          .until(() -> second.status().state() == RelayState.ACTIVE);
      long takeoverMillis = (System.nanoTime() - closedAt) / 1_000_000;
      writing.get();

      List<ConsumerRecord<byte[], byte[]>> records =
          RelayFixture.readUntil(kafka, List.of(topic), load::allArrived, RelayFixture.TIMEOUT);
      EventLoad.Outcome outcome = load.check(records);
      System.out.printf("high availability: standby ACTIVE %d ms after the active relay closed; %d events, "
              + "%d records, %d duplicates, %d missing, %d order violations%n", takeoverMillis, load.events,
          outcome.records(), outcome.duplicates(), outcome.missing(), outcome.orderViolations());
      assertThat(takeoverMillis).isLessThan(10_000);
      assertThat(outcome.missing()).isZero();
      assertThat(outcome.orderViolations()).isZero();
    }
  }

  @Test
  void aSecondRelayWithoutTheElectionIsReportedUnhealthyAndTheFirstGoesOn(TestDatabase db, TestKafka kafka)
      throws Exception {
    RelayFixture.installSchema(db);
    String prefix = kafka.newTopic("no-ha") + ".";
    OutboxRelay first = StreamGapsIT.fastRelay(db, kafka, prefix).highAvailability(false).build();
    OutboxRelay second = StreamGapsIT.fastRelay(db, kafka, prefix).highAvailability(false).build();
    try (first; second) {
      first.start();
      RelayFixture.awaitActive(first);
      second.start();
      await("the second relay reported").atMost(RelayFixture.TIMEOUT).pollInterval(Duration.ofMillis(100))
          .until(() -> !second.status().healthy() || String.valueOf(second.status().reason()).contains("in use"));
      RelayStatus status = second.status();
      System.out.printf("high availability off: second relay on the same slot: %s (%s)%n", status.state(),
          status.reason());
      assertThat(status.reason()).containsAnyOf("is in use by another process", "no heartbeat came back");

      var written = new java.util.LinkedHashSet<>(StreamGapsIT.write(db, "while both run", 50));
      StreamGapsIT.awaitPublished(kafka, prefix, written);
      assertThat(first.status().state()).isEqualTo(RelayState.ACTIVE);
    }
  }
}
