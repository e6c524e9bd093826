package io.outboxkit.relay;

import static org.assertj.core.api.Assertions.assertThat;

import io.outboxkit.test.OutboxIntegrationTest;
import io.outboxkit.test.TestDatabase;
import io.outboxkit.test.TestKafka;
import io.outboxkit.core.WriteMode;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

/**
 * Guarantee 2 across a relay restart: the relay is closed while events are being written and relayed, and a
 * new relay on the same slot delivers every event; duplicates are counted, order per aggregate kept.
 * The suite writes 10,000 events; {@code -Doutboxkit.relay.restartEvents=50000} runs the full count.
 */
@OutboxIntegrationTest
class RestartIT {

  @Test
  void everyEventArrivesAfterTheRelayIsStoppedMidStreamAndStartedAgain(TestDatabase db, TestKafka kafka)
      throws Exception {
    RelayFixture.installSchema(db);
    String prefix = kafka.newTopic("restart") + ".";
    String topic = prefix + "counter";
    kafka.createTopic(topic, 4);
    EventLoad load = new EventLoad(EventLoad.count("outboxkit.relay.restartEvents", 10_000), 100, 10, "counter");

    long start = System.nanoTime();
    OutboxRelay first = RelayFixture.relay(db, kafka, prefix).build();
    first.start();
    RelayFixture.awaitActive(first);
    CompletableFuture<Void> writing = load.writeInBackground(db, RelayFixture.writer(db, WriteMode.TABLE));

    // stop the first relay once a fifth of the events is on the topic, while the writer goes on
    kafka.readRecords(topic, load.events / 5, RelayFixture.TIMEOUT);
    int writtenAtStop = load.written.get();
    first.close();
    assertThat(first.status().state()).isEqualTo(RelayState.STOPPED);
    int writtenAtRestart = load.written.get();

    try (OutboxRelay second = RelayFixture.relay(db, kafka, prefix).build()) {
      second.start();
      writing.get(RelayFixture.TIMEOUT.toSeconds(), TimeUnit.SECONDS);
      List<ConsumerRecord<byte[], byte[]>> records =
          RelayFixture.readUntil(kafka, List.of(topic), load::allArrived, Duration.ofSeconds(180));
      long millis = (System.nanoTime() - start) / 1_000_000;
      EventLoad.Outcome outcome = load.check(records);
      System.out.printf("restart: %d events (%d written when the first relay was closed, %d when the second "
              + "started); %d records, %d unique, %d duplicates %s, %d missing, %d order violations, %d ms%n",
          load.events, writtenAtStop, writtenAtRestart, outcome.records(), outcome.unique(), outcome.duplicates(),
          outcome.duplicates() == 0 ? "" : "(e.g. " + outcome.duplicateSample() + ")", outcome.missing(),
          outcome.orderViolations(), millis);
      assertThat(outcome.missing()).isZero();
      assertThat(outcome.unique()).isEqualTo(load.events);
      assertThat(outcome.orderViolations()).isZero();
    }
  }
}
