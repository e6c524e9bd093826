package io.outboxkit.relay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.outboxkit.test.OutboxIntegrationTest;
import io.outboxkit.test.TestDatabase;
import io.outboxkit.test.TestKafka;
import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A relay never reports healthy while it delivers nothing: a stream that stops (its WAL sender frozen), and
 * brokers that cannot be reached even while there is nothing to send, show as STALLED with what was seen;
 * the meters an operator alerts on keep reading true values.
 */
@OutboxIntegrationTest
class StallIT {

  @Test
  void aFrozenStreamIsReportedStalledAndActiveAgainWhenItFlows(TestDatabase db, TestKafka kafka) throws Exception {
    RelayFixture.installSchema(db);
    String prefix = kafka.newTopic("stall") + ".";
    Set<String> written = new LinkedHashSet<>();
    try (OutboxRelay relay = StreamGapsIT.fastRelay(db, kafka, prefix).stallTimeout(Duration.ofSeconds(3)).build()) {
      relay.start();
      RelayFixture.awaitActive(relay);
      written.addAll(StreamGapsIT.write(db, "before", 50));
      StreamGapsIT.awaitPublished(kafka, prefix, written);

      String walSender = db.queryColumn("SELECT active_pid FROM pg_replication_slots WHERE slot_name = '"
          + db.name() + "'").get(0);
      signal("STOP", walSender);
      try {
        written.addAll(StreamGapsIT.write(db, "during", 50));
        RelayStatus stalled = StreamGapsIT.awaitState(relay, RelayState.STALLED);
        assertThat(stalled.healthy()).isFalse();
        assertThat(stalled.reason()).contains("no heartbeat came back through the stream").contains("WAL position");
      } finally {
        signal("CONT", walSender);
      }
      RelayFixture.awaitActive(relay);
      written.addAll(StreamGapsIT.write(db, "after", 50));
      StreamGapsIT.awaitPublished(kafka, prefix, written);
    }
  }

  @Test
  void unreachableBrokersShowInTheStatusWithNothingToSend(TestDatabase db) throws Exception {
    RelayFixture.installSchema(db);
    String nowhere = "127.0.0.1:" + freePort();
    try (OutboxRelay relay = OutboxRelay.builder().database(db.host(), db.port(), db.name())
        .username(db.username()).password(db.password()).replicationSlot(db.name()).bootstrapServers(nowhere).build()) {
      relay.start();
      RelayStatus stalled = StreamGapsIT.awaitState(relay, RelayState.STALLED);
      assertThat(stalled.healthy()).isFalse();
      assertThat(stalled.reason()).contains("the Kafka brokers at " + nowhere + " cannot be used");
      long start = System.nanoTime();
      relay.close();
      System.out.printf("stall: unreachable brokers reported after the relay started; close() took %d ms%n",
          TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
    }
  }

  @Test
  void everyRelayMeterReadsTrueValuesAfterAGarbageCollection(TestDatabase db, TestKafka kafka) throws Exception {
    RelayFixture.installSchema(db);
    String prefix = kafka.newTopic("meters") + ".";
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    try (OutboxRelay relay = StreamGapsIT.fastRelay(db, kafka, prefix).meterRegistry(registry).build()) {
      relay.start();
      RelayFixture.awaitActive(relay);
      StreamGapsIT.awaitPublished(kafka, prefix, new LinkedHashSet<>(StreamGapsIT.write(db, "m", 20)));
      await("both gauges sampled").atMost(RelayFixture.TIMEOUT)
          .until(() -> registry.find("outboxkit.relay.slot.lag").gauge() != null
              && registry.find("outboxkit.relay.stream.delay").gauge() != null);
      for (int i = 0; i < 3; i++) {
        System.gc();
      }
      Thread.yield();
      assertThat(registry.get("outboxkit.relay.events").counter().count()).isGreaterThanOrEqualTo(20);
      assertThat(registry.get("outboxkit.relay.commit.to.ack").timer().count()).isGreaterThanOrEqualTo(20);
      for (String name : List.of("outboxkit.relay.slot.lag", "outboxkit.relay.stream.delay")) {
        Gauge gauge = registry.get(name).tag("slot", db.name()).gauge();
        assertThat(gauge.value()).as(name).isNotNaN().isGreaterThanOrEqualTo(0);
      }
      assertThat(registry.get("outboxkit.relay.dead.letters").counter().count()).isZero();
      assertThat(registry.get("outboxkit.relay.retries").counter().count()).isZero();
      assertThat(registry.get("outboxkit.relay.recovered").counter().count()).isZero();
    }
  }

  private static void signal(String signal, String pid) throws IOException, InterruptedException {
    Process kill = new ProcessBuilder("kill", "-" + signal, pid).inheritIO().start();
    assertThat(kill.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(kill.exitValue()).as("kill -" + signal + " " + pid).isZero();
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}
