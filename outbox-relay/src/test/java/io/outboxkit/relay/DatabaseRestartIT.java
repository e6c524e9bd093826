package io.outboxkit.relay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.outboxkit.test.OutboxIntegrationTest;
import io.outboxkit.test.PostgresServer;
import io.outboxkit.test.TestDatabase;
import io.outboxkit.test.TestKafka;
import io.outboxkit.core.WriteMode;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

/**
 * Guarantee 2 through a database restart: events written before and after PostgreSQL restarts under a
 * running relay all arrive, and the relay is active again by itself.

 */
@OutboxIntegrationTest(embedded = true)
class DatabaseRestartIT {

  @Test
  void relayResumesByItselfAfterPostgresRestarts(TestDatabase db, TestKafka kafka, PostgresServer postgres)
      throws Exception {
    restartUnderRunningRelay(db, kafka, postgres, true);
  }

  @Test
  void relayWithoutHighAvailabilityResumesToo(TestDatabase db, TestKafka kafka, PostgresServer postgres)
      throws Exception {
    restartUnderRunningRelay(db, kafka, postgres, false);
  }

  private static void restartUnderRunningRelay(TestDatabase db, TestKafka kafka, PostgresServer postgres,
      boolean highAvailability) throws Exception {
    RelayFixture.installSchema(db);
    String prefix = kafka.newTopic("pgrestart") + ".";
    String topic = prefix + "counter";
    EventLoad before = new EventLoad(1000, 10, 10, "counter");
    EventLoad after = new EventLoad(1000, 10, 10, "counter2");

    try (OutboxRelay relay = RelayFixture.relay(db, kafka, prefix).highAvailability(highAvailability).build()) {
      relay.start();
      RelayFixture.awaitActive(relay);
      before.write(db, RelayFixture.writer(db, WriteMode.TABLE));
      RelayFixture.readUntil(kafka, List.of(topic), before::allArrived, RelayFixture.TIMEOUT);

      long restartAt = System.nanoTime();
      postgres.restart();
      after.write(db, RelayFixture.writer(db, WriteMode.TABLE));
      List<ConsumerRecord<byte[], byte[]>> records = RelayFixture.readUntil(kafka, List.of(prefix + "counter2"),
          after::allArrived, RelayFixture.TIMEOUT);
      long millis = (System.nanoTime() - restartAt) / 1_000_000;
      EventLoad.Outcome outcome = after.check(records);
      System.out.printf("database restart (high availability %s): %d events written after PostgreSQL restarted all arrived %d ms after the "
              + "restart began; %d duplicates, %d order violations; relay %s%n", highAvailability, after.events, millis,
          outcome.duplicates(), outcome.orderViolations(), relay.status().state());
      assertThat(outcome.missing()).isZero();
      assertThat(outcome.orderViolations()).isZero();
      await().atMost(RelayFixture.TIMEOUT).until(() -> relay.status().state() == RelayState.ACTIVE);
    }
  }
}
