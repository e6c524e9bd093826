package io.outboxkit.relay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.debezium.engine.DebeziumEngine;
import io.debezium.engine.RecordChangeEvent;
import io.outboxkit.test.OutboxIntegrationTest;
import io.outboxkit.test.TestDatabase;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.connect.source.SourceRecord;
import org.junit.jupiter.api.Test;

/**
 * An engine that ends with an error on its own is started again after a backoff (1 s, then 2 s, ...), with
 * the reason in the status meanwhile (STARTING, and STALLED from the third failure in a row), and the leader
 * lock released so that a standby may take over. The
 * engine is a stand-in that fails its first runs (Debezium itself is hard to make fail on cue); the database
 * (start-up checks, leader lock, publication) is real.
 */
@OutboxIntegrationTest
class EngineRestartIT {

  @Test
  void anEngineThatFailsIsStartedAgainAfterABackoffThatGrows(TestDatabase db) throws Exception {
    RelayFixture.installSchema(db);
    FailingEngines engines = new FailingEngines(3);
    OutboxRelay.Builder builder = OutboxRelay.builder().database(db.host(), db.port(), db.name())
        .username(db.username()).password(db.password()).replicationSlot(db.name()).bootstrapServers("127.0.0.1:9");
    List<String> reasons = Collections.synchronizedList(new ArrayList<>());
    try (DebeziumOutboxRelay relay = new DebeziumOutboxRelay(RelaySettings.from(builder), engines)) {
      relay.start();
      await("the third engine runs").atMost(RelayFixture.TIMEOUT).pollInterval(Duration.ofMillis(20))
          .until(() -> {
            RelayStatus status = relay.status();
            String seen = status.state() + " " + status.healthy() + " " + status.reason();
            if (status.reason() != null && !reasons.contains(seen)) {
              reasons.add(seen);
            }
            return status.state() == RelayState.ACTIVE && engines.launched.get() == 4;
          });
      long firstToSecond = engines.launchedAt.get(1) - engines.launchedAt.get(0);
      long secondToThird = engines.launchedAt.get(2) - engines.launchedAt.get(1);
      long thirdToFourth = engines.launchedAt.get(3) - engines.launchedAt.get(2);
      System.out.printf("engine restart: 3 failed runs, relaunched after %d, %d and %d ms; status said %s%n",
          TimeUnit.NANOSECONDS.toMillis(firstToSecond), TimeUnit.NANOSECONDS.toMillis(secondToThird),
          TimeUnit.NANOSECONDS.toMillis(thirdToFourth), reasons);
      assertThat(reasons).anySatisfy(r -> assertThat(r).startsWith("STARTING true")
          .contains("the engine stopped (fake failure 1").contains("starting again in 1 s (attempt 1)"));
      assertThat(reasons).anySatisfy(r -> assertThat(r).startsWith("STARTING true")
          .contains("the engine stopped (fake failure 2").contains("starting again in 2 s (attempt 2)"));
      assertThat(reasons).as("the third failure in a row is no longer a start").anySatisfy(r -> assertThat(r)
          .startsWith("STALLED false").contains("fake failure 3").contains("starting again in 4 s (attempt 3)"));
      assertThat(thirdToFourth).isGreaterThanOrEqualTo(TimeUnit.SECONDS.toNanos(4));
      assertThat(firstToSecond).isGreaterThanOrEqualTo(TimeUnit.SECONDS.toNanos(1));
      assertThat(secondToThird).isGreaterThanOrEqualTo(TimeUnit.SECONDS.toNanos(2));
      assertThat(db.queryColumn("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted"
          + " AND database = (SELECT oid FROM pg_database WHERE datname = current_database())"))
          .as("the running engine's relay holds the leader lock again").containsExactly("1");
    }
    assertThat(engines.closed.getCount()).as("the running engine was closed").isZero();
  }

  /** Engines whose first {@code failures} runs end at once with an error; the next one runs until closed. */
  private static final class FailingEngines implements EngineFactory {
    private final int failures;
    final AtomicInteger launched = new AtomicInteger();
    final List<Long> launchedAt = Collections.synchronizedList(new ArrayList<>());
    final CountDownLatch closed = new CountDownLatch(1);

    FailingEngines(int failures) {
      this.failures = failures;
    }

    @Override
    public DebeziumEngine<RecordChangeEvent<SourceRecord>> create(java.util.Properties properties,
        DebeziumEngine.ChangeConsumer<RecordChangeEvent<SourceRecord>> consumer,
        DebeziumEngine.ConnectorCallback connector, DebeziumEngine.CompletionCallback completion) {
      int run = launched.incrementAndGet();
      launchedAt.add(System.nanoTime());
      CountDownLatch stop = new CountDownLatch(1);
      return new DebeziumEngine<>() {
        @Override
        public void run() {
          if (run <= failures) {
            completion.handle(false, "fake failure " + run, new IllegalStateException("fake failure " + run));
            return;
          }
          connector.taskStarted();
          try {
            stop.await();
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
          completion.handle(true, "closed", null);
        }

        @Override
        public void close() {
          stop.countDown();
          closed.countDown();
        }
      };
    }
  }
}
