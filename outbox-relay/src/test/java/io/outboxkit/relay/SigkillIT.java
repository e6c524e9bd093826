package io.outboxkit.relay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.outboxkit.test.OutboxIntegrationTest;
import io.outboxkit.test.TestDatabase;
import io.outboxkit.test.TestKafka;
import io.outboxkit.core.WriteMode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

/**
 * Guarantee 2 and high availability through a crash: the active relay runs in a JVM of its own and is
 * killed with SIGKILL in the middle of the events; a standby relay takes over within 10 s and every event
 * arrives, order per aggregate kept. The suite writes 10,000 events;
 * {@code -Doutboxkit.relay.sigkillEvents=50000} runs the full count.
 */
@OutboxIntegrationTest
class SigkillIT {

  @Test
  void standbyTakesOverAndEveryEventArrivesWhenTheActiveRelayIsKilled(TestDatabase db, TestKafka kafka)
      throws Exception {
    RelayFixture.installSchema(db);
    String prefix = kafka.newTopic("sigkill") + ".";
    String topic = prefix + "counter";
    kafka.createTopic(topic, 4);
    EventLoad load = new EventLoad(EventLoad.count("outboxkit.relay.sigkillEvents", 10_000), 100, 10, "counter");
    Path log = Files.createTempFile("relay-process", ".log");

    Process child = RelayProcess.launch(log, db.host(), Integer.toString(db.port()), db.name(), db.username(),
        db.password(), db.name(), prefix, kafka.bootstrapServers());
    try (OutboxRelay standby = RelayFixture.relay(db, kafka, prefix).build()) {
      await("relay process ACTIVE").atMost(RelayFixture.TIMEOUT).pollInterval(Duration.ofMillis(200))
          .until(() -> {
            assertThat(child.isAlive()).as("relay process alive; its log: %s", Files.readString(log)).isTrue();
            return RelayProcess.isActive(log);
          });
      standby.start();
      RelayFixture.awaitStandby(standby);

      CompletableFuture<Void> writing = load.writeInBackground(db, RelayFixture.writer(db, WriteMode.TABLE));
      kafka.readRecords(topic, load.events / 5, RelayFixture.TIMEOUT);
      int writtenAtKill = load.written.get();
      long killedAt = System.nanoTime();
      child.destroyForcibly(); // SIGKILL
      assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
      await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50))
          .until(() -> standby.status().state() == RelayState.ACTIVE);
      long takeoverMillis = (System.nanoTime() - killedAt) / 1_000_000;
      writing.get(RelayFixture.TIMEOUT.toSeconds(), TimeUnit.SECONDS);

      List<ConsumerRecord<byte[], byte[]>> records =
          RelayFixture.readUntil(kafka, List.of(topic), load::allArrived, Duration.ofSeconds(180));
      EventLoad.Outcome outcome = load.check(records);
      System.out.printf("sigkill: relay process killed with %d of %d events written; standby ACTIVE %d ms later; "
              + "%d records, %d unique, %d duplicates %s, %d missing, %d order violations%n", writtenAtKill,
          load.events, takeoverMillis, outcome.records(), outcome.unique(), outcome.duplicates(),
          outcome.duplicates() == 0 ? "" : "(e.g. " + outcome.duplicateSample() + ")", outcome.missing(),
          outcome.orderViolations());
      assertThat(takeoverMillis).isLessThan(10_000);
      assertThat(outcome.missing()).isZero();
      assertThat(outcome.unique()).isEqualTo(load.events);
      assertThat(outcome.orderViolations()).isZero();
    } finally {
      child.destroyForcibly();
      Files.deleteIfExists(log);
    }
  }
}
