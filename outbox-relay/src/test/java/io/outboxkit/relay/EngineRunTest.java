package io.outboxkit.relay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.debezium.engine.DebeziumEngine;
import io.debezium.engine.RecordChangeEvent;
import io.debezium.engine.StopEngineException;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.connect.source.SourceRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * One engine run with a stand-in engine built by the {@link EngineFactory}, and the restart decisions after
 * its failures: no database, no broker (Kafka's MockProducer behind the publisher).
 */
class EngineRunTest {

  private final RelaySettings settings = RelaySettings.from(OutboxRelay.builder()
      .database("db.example", 5432, "orders").username("relay").bootstrapServers("k:9092").replicationSlot("s"));
  private final Reports reports = new Reports();
  private final List<FakeEngine> engines = Collections.synchronizedList(new ArrayList<>());
  private final List<MockProducer<byte[], byte[]>> producers = Collections.synchronizedList(new ArrayList<>());
  private final List<String> publisherReasons = Collections.synchronizedList(new ArrayList<>());
  private final List<EngineRun> runs = new ArrayList<>();

  @AfterEach
  void stopRuns() {
    runs.forEach(run -> run.stop(false));
  }

  @Test
  void anEngineThatFailsOnItsOwnReportsWhyOnceAndClosesItsPublisher() {
    SQLException slotInUse = new SQLException("replication slot \"s\" is active for PID 42", "55006");
    EngineRun run = launch(engine -> engine.completion.handle(false, "Error while streaming",
        new IllegalStateException("wrapped", slotInUse)));

    await().atMost(Duration.ofSeconds(10)).until(run::hasEnded);
    assertThat(reports.ended).singleElement().asString()
        .startsWith("replication slot s in database orders at db.example:5432 is in use by another process")
        .contains("replicationSlot(..)");
    assertThat(reports.started).isZero();
    assertThat(run.hasStarted()).isFalse();
    assertThat(producers).singleElement().satisfies(producer -> assertThat(producer.closed()).isTrue());
  }

  @Test
  void aRunTheRelayStopsReportsThatItStartedButNotThatItEnded() {
    EngineRun run = launch(FakeEngine::runUntilClosed);
    await().atMost(Duration.ofSeconds(10)).until(() -> reports.started == 1);
    assertThat(run.hasStarted()).isTrue();

    run.stop(true);

    assertThat(run.hasEnded()).isTrue();
    assertThat(engines.get(0).closeCalls.get()).isOne();
    assertThat(reports.ended).as("a stop is no failure").isEmpty();
    assertThat(producers.get(0).closed()).isTrue();
  }

  @Test
  void whileDebeziumRefusesToCloseTheCloseIsTriedAgainUntilItWorks() {
    EngineRun run = launch(FakeEngine::runUntilClosed);
    engines.get(0).refusedCloses = 3; // Debezium's close throws IllegalStateException while it starts
    await().atMost(Duration.ofSeconds(10)).until(() -> reports.started == 1);

    run.stop(true);

    assertThat(engines.get(0).closeCalls.get()).isEqualTo(4);
    assertThat(run.hasEnded()).isTrue();
    assertThat(reports.ended).isEmpty();
  }

  @Test
  void aStopThatCannotWaitAbandonsTheBatchBeingPublishedAndMarksNothingOfIt() {
    MockProducer<byte[], byte[]> unreachable = newProducer();
    unreachable.sendException = new TimeoutException("Topic outbox.event.order not present in metadata");
    AtomicInteger marked = new AtomicInteger();
    EngineRun run = launch(engine -> engine.publishOneBatchThenRunUntilClosed(
        RecordMapperTest.insert(settings, "0190f5c2-7c1e-7000-8000-000000000001", "order", "o-1"), marked),
        unreachable);
    await("the publisher retries").atMost(Duration.ofSeconds(10)).until(() -> !publisherReasons.isEmpty());

    long stopping = System.nanoTime();
    run.stop(false);

    assertThat(Duration.ofNanos(System.nanoTime() - stopping)).as("the backoff was cut short")
        .isLessThan(Duration.ofSeconds(5));
    assertThat(run.hasEnded()).isTrue();
    assertThat(marked).as("nothing of the abandoned batch is committed").hasValue(0);
    assertThat(reports.ended).isEmpty();
  }

  @Test
  void anEngineThatFailsIsLaunchedAgainAfterTheBackoffAndTheThirdFailureInARowIsStalled() {
    EngineRestarts restarts = new EngineRestarts(new Backoff(Duration.ofMillis(50), Duration.ofMillis(200)));
    List<EngineRestarts.Restart> decisions = new ArrayList<>();
    List<Long> launchedAt = new ArrayList<>();
    for (int attempt = 1; attempt <= 4; attempt++) {
      await().atMost(Duration.ofSeconds(10)).until(() -> restarts.millisToWait() == 0);
      launchedAt.add(System.nanoTime());
      int failing = attempt;
      EngineRun run = launch(engine -> {
        if (failing <= 3) {
          engine.completion.handle(false, "fake failure " + failing, new IllegalStateException("fake"));
        } else {
          engine.runUntilClosed();
        }
      });
      await().atMost(Duration.ofSeconds(10)).until(() -> run.hasEnded() || run.hasStarted());
      if (run.hasEnded()) {
        decisions.add(restarts.failed(run.age()));
      }
    }

    assertThat(decisions).extracting(EngineRestarts.Restart::attempt).containsExactly(1, 2, 3);
    assertThat(decisions).extracting(EngineRestarts.Restart::delay)
        .containsExactly(Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(200));
    assertThat(decisions).extracting(EngineRestarts.Restart::state)
        .containsExactly(RelayState.STARTING, RelayState.STARTING, RelayState.STALLED);
    assertThat(reports.ended).containsExactly("fake failure 1: IllegalStateException: fake",
        "fake failure 2: IllegalStateException: fake", "fake failure 3: IllegalStateException: fake");
    assertThat(reports.started).as("the fourth engine runs").isOne();
    for (int i = 1; i < launchedAt.size(); i++) {
      assertThat(Duration.ofNanos(launchedAt.get(i) - launchedAt.get(i - 1)))
          .as("launch %d came after its backoff", i + 1).isGreaterThanOrEqualTo(decisions.get(i - 1).delay());
    }
  }

  // ---- helpers ---------------------------------------------------------------------------------------

  private EngineRun launch(Behaviour behaviour) {
    return launch(behaviour, newProducer());
  }

  private EngineRun launch(Behaviour behaviour, MockProducer<byte[], byte[]> producer) {
    KafkaPublisher publisher = new KafkaPublisher(settings, Metrics.NONE, publisherReasons::add, () -> producer,
        Backoff.PUBLISHING);
    EngineFactory factory = (properties, consumer, connector, completion) -> {
      FakeEngine engine = new FakeEngine(consumer, connector, completion, behaviour);
      engines.add(engine);
      return engine;
    };
    EngineRun run = new EngineRun(settings, factory, publisher, new StreamWatch(settings), reports);
    runs.add(run);
    run.launch();
    return run;
  }

  private MockProducer<byte[], byte[]> newProducer() {
    MockProducer<byte[], byte[]> producer =
        new MockProducer<>(true, null, new ByteArraySerializer(), new ByteArraySerializer());
    producers.add(producer);
    return producer;
  }

  /** What the runs reported. */
  private static final class Reports implements EngineRun.Listener {
    volatile int started;
    final List<String> ended = Collections.synchronizedList(new ArrayList<>());

    @Override
    public void started(EngineRun run) {
      started++;
    }

    @Override
    public void ended(EngineRun run, String reason) {
      ended.add(reason);
    }
  }

  @FunctionalInterface
  private interface Behaviour {
    void run(FakeEngine engine) throws Exception;
  }

  /** A stand-in for Debezium's engine: its run does what the test says; its close ends a run waiting for it. */
  private static final class FakeEngine implements DebeziumEngine<RecordChangeEvent<SourceRecord>> {

    final DebeziumEngine.ChangeConsumer<RecordChangeEvent<SourceRecord>> consumer;
    final DebeziumEngine.ConnectorCallback connector;
    final DebeziumEngine.CompletionCallback completion;
    private final Behaviour behaviour;
    final CountDownLatch closed = new CountDownLatch(1);
    final AtomicInteger closeCalls = new AtomicInteger();
    volatile int refusedCloses;

    FakeEngine(DebeziumEngine.ChangeConsumer<RecordChangeEvent<SourceRecord>> consumer,
        DebeziumEngine.ConnectorCallback connector, DebeziumEngine.CompletionCallback completion,
        Behaviour behaviour) {
      this.consumer = consumer;
      this.connector = connector;
      this.completion = completion;
      this.behaviour = behaviour;
    }

    @Override
    public void run() {
      try {
        behaviour.run(this);
      } catch (Exception e) {
        completion.handle(false, "fake engine failed", e);
      }
    }

    void runUntilClosed() throws InterruptedException {
      connector.taskStarted();
      closed.await();
      completion.handle(true, "closed", null);
    }

    /** Hands one batch to the relay's consumer as Debezium does; a consumer that gives up ends the engine. */
    void publishOneBatchThenRunUntilClosed(SourceRecord change, AtomicInteger marked) throws InterruptedException {
      connector.taskStarted();
      RecordChangeEvent<SourceRecord> event = () -> change;
      try {
        consumer.handleBatch(List.of(event), new DebeziumEngine.RecordCommitter<>() {
          @Override
          public void markProcessed(RecordChangeEvent<SourceRecord> record) {
            marked.incrementAndGet();
          }

          @Override
          public void markBatchFinished() {
            marked.incrementAndGet();
          }

          @Override
          public void markProcessed(RecordChangeEvent<SourceRecord> record, DebeziumEngine.Offsets offsets) {
            marked.incrementAndGet();
          }

          @Override
          public DebeziumEngine.Offsets buildOffsets() {
            throw new UnsupportedOperationException();
          }
        });
      } catch (StopEngineException e) {
        completion.handle(false, e.getMessage(), e);
        return;
      }
      closed.await(30, TimeUnit.SECONDS);
      completion.handle(true, "closed", null);
    }

    @Override
    public void close() {
      if (closeCalls.incrementAndGet() <= refusedCloses) {
        throw new IllegalStateException("the engine is starting");
      }
      closed.countDown();
    }
  }
}
