package io.outboxkit.relay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

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
 * What {@link OutboxRelay#close()} promises: the position of every batch the broker acknowledged is stored
 * before close returns, so the next relay on the slot sends none of it again; a close in the middle of a
 * stream lets the batch being published finish (or, failing that, sends at most that one batch again).
 */
@OutboxIntegrationTest
class GracefulCloseIT {

  /**
   * Debezium's max.batch.size in the mid-stream test: small, so that "at most one batch" is a sharp bound,
   * and not a multiple of the writer's ten events per transaction, so that batches end inside transactions.
   */
  private static final int BATCH = 195;

  @Test
  void aRelayStartedAfterACloseSendsNothingThatWasAcknowledgedBefore(TestDatabase db, TestKafka kafka)
      throws Exception {
    String prefix = beforeAndAfter(db, kafka, "close");
    String before = prefix + "before";
    String after = prefix + "after";
    EventLoad first = new EventLoad(3_000, 50, 10, "before");
    EventLoad second = new EventLoad(500, 50, 10, "after");
    // a long flush interval: the position of the last batches can only have been stored by close()
    OutboxRelay.Builder builder = RelayFixture.relay(db, kafka, prefix).offsetFlushInterval(Duration.ofMinutes(10));

    OutboxRelay relay = builder.build();
    relay.start();
    RelayFixture.awaitActive(relay);
    first.write(db, RelayFixture.writer(db, WriteMode.TABLE));
    RelayFixture.readUntil(kafka, List.of(before), first::allArrived, RelayFixture.TIMEOUT);
    relay.close();
    assertThat(relay.status().state()).isEqualTo(RelayState.STOPPED);

    try (OutboxRelay next = builder.build()) {
      next.start();
      RelayFixture.awaitActive(next);
      second.write(db, RelayFixture.writer(db, WriteMode.TABLE));
      // the next relay reads the WAL in commit order: once the later events are all there, anything it would
      // send again of the earlier ones is on the topic too
      EventLoad.Outcome later = second.check(
          RelayFixture.readUntil(kafka, List.of(after), second::allArrived, RelayFixture.TIMEOUT));
      List<ConsumerRecord<byte[], byte[]>> earlierRecords =
          RelayFixture.readUntil(kafka, List.of(before), first::allArrived, RelayFixture.TIMEOUT);
      EventLoad.Outcome earlier = first.check(earlierRecords);
      System.out.printf("close after all acknowledged: %d events before the close -> %d records (%d sent again); "
              + "%d events after the restart -> %d records, %d missing%n", first.events, earlier.records(),
          earlier.duplicates(), second.events, later.records(), later.missing());
      assertThat(earlier.duplicates()).as("events acknowledged before close() and sent again by the next relay")
          .isZero();
      assertThat(earlier.unique()).isEqualTo(first.events);
      assertThat(later.missing()).isZero();
      assertThat(later.orderViolations()).isZero();
    }
  }

  @Test
  void theSameRelayStartsAgainAfterACloseAndSendsNothingThatWasAcknowledgedBefore(TestDatabase db, TestKafka kafka)
      throws Exception {
    String prefix = beforeAndAfter(db, kafka, "restart-same");
    String before = prefix + "before";
    String after = prefix + "after";
    EventLoad first = new EventLoad(2_000, 50, 10, "before");
    EventLoad second = new EventLoad(500, 50, 10, "after");

    try (OutboxRelay relay = RelayFixture.relay(db, kafka, prefix).offsetFlushInterval(Duration.ofMinutes(10))
        .build()) {
      relay.start();
      RelayFixture.awaitActive(relay);
      first.write(db, RelayFixture.writer(db, WriteMode.TABLE));
      RelayFixture.readUntil(kafka, List.of(before), first::allArrived, RelayFixture.TIMEOUT);
      relay.close();
      assertThat(relay.status().state()).isEqualTo(RelayState.STOPPED);

      // written while the relay is closed: delivered once it runs again
      second.write(db, RelayFixture.writer(db, WriteMode.TABLE));
      relay.start();
      RelayFixture.awaitActive(relay);
      assertThatThrownBy(relay::start).isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("close it before starting it again");
      EventLoad.Outcome later = second.check(
          RelayFixture.readUntil(kafka, List.of(after), second::allArrived, RelayFixture.TIMEOUT));
      EventLoad.Outcome earlier = first.check(
          RelayFixture.readUntil(kafka, List.of(before), first::allArrived, RelayFixture.TIMEOUT));
      System.out.printf("the same relay started again: %d events before the close -> %d records (%d sent again); "
              + "%d events written while closed -> %d records, %d missing%n", first.events, earlier.records(),
          earlier.duplicates(), second.events, later.records(), later.missing());
      assertThat(earlier.duplicates()).as("events acknowledged before close() and sent again after the start")
          .isZero();
      assertThat(later.missing()).isZero();
      assertThat(later.orderViolations()).isZero();
    }
  }

  @Test
  void aCloseInTheMiddleOfAStreamSendsAtMostOneBatchAgain(TestDatabase db, TestKafka kafka) throws Exception {
    RelayFixture.installSchema(db);
    String prefix = kafka.newTopic("close-mid") + ".";
    String topic = prefix + "counter";
    kafka.createTopic(topic, 4);
    EventLoad load = new EventLoad(EventLoad.count("outboxkit.relay.closeEvents", 20_000), 100, 10, "counter");
    OutboxRelay.Builder builder = RelayFixture.relay(db, kafka, prefix)
        .debeziumProperty("max.batch.size", Integer.toString(BATCH));

    // a backlog and a writer still going: the relay is publishing full batches when it is closed
    CompletableFuture<Void> writing = load.writeInBackground(db, RelayFixture.writer(db, WriteMode.TABLE));
    await().atMost(RelayFixture.TIMEOUT).until(() -> load.written.get() >= load.events / 2);
    OutboxRelay relay = builder.build();
    relay.start();
    kafka.readRecords(topic, load.events / 5, RelayFixture.TIMEOUT);
    int writtenAtClose = load.written.get();
    long closeStart = System.nanoTime();
    relay.close();
    long closeMillis = (System.nanoTime() - closeStart) / 1_000_000;
    assertThat(relay.status().state()).isEqualTo(RelayState.STOPPED);

    try (OutboxRelay next = builder.build()) {
      next.start();
      writing.get(RelayFixture.TIMEOUT.toSeconds(), TimeUnit.SECONDS);
      EventLoad.Outcome outcome = load.check(
          RelayFixture.readUntil(kafka, List.of(topic), load::allArrived, RelayFixture.TIMEOUT));
      System.out.printf("close mid-stream: %d events (%d written at close(), which took %d ms); %d records, "
              + "%d sent again%s (bound: one batch of at most %d), %d missing, %d order violations%n",
          load.events, writtenAtClose, closeMillis, outcome.records(), outcome.duplicates(),
          outcome.duplicates() == 0 ? "" : " (e.g. " + outcome.duplicateSample() + ")", BATCH, outcome.missing(),
          outcome.orderViolations());
      assertThat(outcome.missing()).isZero();
      assertThat(outcome.orderViolations()).isZero();
      assertThat(outcome.duplicates()).as("events sent again after a close in the middle of the stream")
          .isLessThanOrEqualTo(BATCH);
    }
  }

  /** Installs the outbox and creates the topics {@code <prefix>before} and {@code <prefix>after}; returns the prefix. */
  private static String beforeAndAfter(TestDatabase db, TestKafka kafka, String hint) {
    RelayFixture.installSchema(db);
    String prefix = kafka.newTopic(hint) + ".";
    kafka.createTopic(prefix + "before", 4);
    kafka.createTopic(prefix + "after", 4);
    return prefix;
  }
}
