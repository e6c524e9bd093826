package io.outboxkit.relay;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.outboxkit.test.KafkaServer;
import io.outboxkit.test.OutboxIntegrationTest;
import io.outboxkit.test.TestDatabase;
import io.outboxkit.test.TestKafka;
import io.outboxkit.core.WriteMode;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

/**
 * Guarantee 2 through a broker outage: the broker is down for 20 s while events are written; the relay
 * keeps them unacknowledged (offsets not committed), re-sends them with backoff, and delivers every one of
 * them by itself once the broker is back, order per aggregate kept. The producer's delivery timeout is set
 * below the outage so that the relay's own retry loop is exercised, not only the producer's.
 */
@OutboxIntegrationTest(embedded = true)
class BrokerOutageIT {

  @Test
  void everyEventArrivesAfterTheBrokerWasDownFor20Seconds(TestDatabase db, TestKafka kafka, KafkaServer broker)
      throws Exception {
    RelayFixture.installSchema(db);
    String prefix = kafka.newTopic("outage") + ".";
    String topic = prefix + "counter";
    kafka.createTopic(topic, 3);
    EventLoad load = new EventLoad(3000, 30, 10, "counter");

    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    // a delivery timeout shorter than the outage, so that the relay's own retry loop is what recovers
    try (OutboxRelay relay = RelayFixture.relay(db, kafka, prefix).meterRegistry(registry)
        .producerProperty("delivery.timeout.ms", 6000).producerProperty("request.timeout.ms", 3000)
        .heartbeatInterval(Duration.ofSeconds(1)).stallTimeout(Duration.ofSeconds(5))
        .build()) {
      relay.start();
      RelayFixture.awaitActive(relay);
      CountDownLatch brokerDown = new CountDownLatch(1);
      CompletableFuture<Void> writing = CompletableFuture.runAsync(() -> {
        try {
          // a third before the outage, the rest while the broker is down
          load.write(db, RelayFixture.writer(db, WriteMode.TABLE), load.events / 3, brokerDown);
        } catch (Exception e) {
          throw new IllegalStateException(e);
        }
      });
      kafka.readRecords(topic, 300, RelayFixture.TIMEOUT);
      long stoppedAt = System.nanoTime();
      broker.stop();
      int writtenAtStop = load.written.get();
      brokerDown.countDown();
      writing.get(RelayFixture.TIMEOUT.toSeconds(), TimeUnit.SECONDS);
      holdDown(stoppedAt, Duration.ofSeconds(20));
      RelayStatus during = relay.status();
      double retriesDuringOutage = registry.get("outboxkit.relay.retries").counter().count();
      broker.start();
      long restartedAt = System.nanoTime();

      List<ConsumerRecord<byte[], byte[]>> records =
          RelayFixture.readUntil(kafka, List.of(topic), load::allArrived, RelayFixture.TIMEOUT);
      long recoveryMillis = (System.nanoTime() - restartedAt) / 1_000_000;
      EventLoad.Outcome outcome = load.check(records);
      System.out.printf("broker outage: broker down %d s with %d of %d events written before it stopped; status "
              + "during outage %s (%s); %.0f records re-sent by the relay during the outage; all delivered %d ms "
              + "after the broker was back: %d records, %d duplicates, %d missing, %d order violations%n",
          (restartedAt - stoppedAt) / 1_000_000_000L, writtenAtStop, load.events, during.state(), during.reason(),
          retriesDuringOutage, recoveryMillis, outcome.records(), outcome.duplicates(), outcome.missing(),
          outcome.orderViolations());
      assertThat(outcome.missing()).isZero();
      assertThat(outcome.orderViolations()).isZero();
      RelayFixture.awaitActive(relay);
      assertThat(during.state()).as("status while the broker is down").isEqualTo(RelayState.STALLED);
      assertThat(during.healthy()).isFalse();
      assertThat(during.reason()).as("status while the broker is down").isNotNull();
      assertThat(retriesDuringOutage).as("records the relay sent again").isPositive();
    }
  }

  /** Keeps the broker down for the given time: the outage itself is what is tested, not a wait for a result. */
  private static void holdDown(long since, Duration outage) throws InterruptedException {
    long remaining = since + outage.toNanos() - System.nanoTime();
    if (remaining > 0) {
      TimeUnit.NANOSECONDS.sleep(remaining);
    }
  }
}
