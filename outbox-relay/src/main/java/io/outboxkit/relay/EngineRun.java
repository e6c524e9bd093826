package io.outboxkit.relay;

import dev.failsafe.Failsafe;
import dev.failsafe.FailsafeException;
import dev.failsafe.RetryPolicy;
import io.debezium.engine.DebeziumEngine;
import io.debezium.engine.RecordChangeEvent;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.connect.source.SourceRecord;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One run of the Debezium engine, from its launch to its end: the engine (built by an {@link EngineFactory})
 * runs on a thread of its own and publishes through its own {@link KafkaPublisher}. The relay stops it,
 * gracefully or at once, or it ends on its own, which it reports with the reason; a run that was stopped
 * reports nothing.
 *
 * <p>{@link #launch()} and {@link #stop(boolean)} are called by the relay's monitor thread; the {@link
 * Listener} is called on the engine's thread.
 */
final class EngineRun implements DebeziumEngine.CompletionCallback {

  private static final Logger log = LoggerFactory.getLogger(EngineRun.class);

  /** How long a graceful stop waits for the batch being published to be acknowledged. */
  static final Duration CLOSE_GRACE = Duration.ofSeconds(5);
  /** How long a stop waits for the engine to end after Debezium's close. */
  static final Duration END_WAIT = Duration.ofSeconds(30);

  /**
   * Debezium's close throws {@link IllegalStateException} while its engine is starting, or stopping on its
   * own (after the drain refused a batch, for example): tried again every 100 ms, for up to a minute.
   */
  private static final RetryPolicy<Object> CLOSE_RETRIES = RetryPolicy.builder()
      .handle(IllegalStateException.class)
      .withDelay(Duration.ofMillis(100))
      .withMaxDuration(Duration.ofSeconds(60))
      .withMaxRetries(-1)
      .build();

  /** What a run reports, on the engine's thread. */
  interface Listener {

    /** Debezium reported that its task started: the stream runs. Not called once the run is stopping. */
    void started(EngineRun run);

    /** The engine ended on its own, not stopped by the relay; {@code reason} says why, for the status. */
    void ended(EngineRun run, String reason);
  }

  private final RelaySettings settings;
  private final KafkaPublisher publisher;
  private final RelayChangeConsumer consumer;
  private final Listener listener;
  private final DebeziumEngine<RecordChangeEvent<SourceRecord>> engine;
  private final ExecutorService thread;
  private final CountDownLatch ended = new CountDownLatch(1);
  private final long launchedAt = System.nanoTime();
  private volatile boolean stopping;
  private volatile boolean started;

  /** Builds the engine; {@link #launch()} starts it. The run owns {@code publisher} and closes it at its end. */
  EngineRun(RelaySettings settings, EngineFactory engines, KafkaPublisher publisher, StreamWatch watch,
      Listener listener) {
    this.settings = settings;
    this.publisher = publisher;
    this.listener = listener;
    this.consumer = new RelayChangeConsumer(new RecordMapper(settings), publisher, watch);
    this.thread = Executors.newSingleThreadExecutor(
        DebeziumOutboxRelay.daemonThreads("outboxkit-relay-engine-" + settings.replicationSlot()));
    this.engine = engines.create(EngineProperties.of(settings), consumer, new DebeziumEngine.ConnectorCallback() {
      @Override
      public void taskStarted() {
        started = true;
        if (!stopping) {
          listener.started(EngineRun.this);
        }
      }
    }, this);
  }

  void launch() {
    thread.execute(engine);
  }

  /** The run's publisher, for what it waits for. */
  KafkaPublisher publisher() {
    return publisher;
  }

  /** Debezium reported its task started: from then on the stream's liveness is judged. */
  boolean hasStarted() {
    return started;
  }

  boolean isStopping() {
    return stopping;
  }

  boolean hasEnded() {
    return ended.getCount() == 0;
  }

  /** How long the run has lasted since its launch. */
  Duration age() {
    return Duration.ofNanos(System.nanoTime() - launchedAt);
  }

  @Override
  public void handle(boolean success, String message, @Nullable Throwable error) {
    try {
      if (!stopping) {
        try {
          listener.ended(this, EngineFailures.explain(settings, message, error));
        } finally {
          publisher.close();
        }
      }
    } finally {
      ended.countDown();
    }
  }

  /** After the engine ended on its own: ends the run's thread. */
  void releaseThread() {
    thread.shutdown();
  }

  /**
   * Stops the engine. Gracefully (on close): the batch being published may finish within {@link #CLOSE_GRACE},
   * later batches are left unsent. Otherwise (the leader lock is lost, another instance may be taking over)
   * the batch being published is abandoned at once. Then Debezium's engine stores the position of every batch
   * marked processed and stops; an abandoned batch is sent again on the next start. Returns once the engine
   * ended, or {@link #END_WAIT} after its close, with the publisher closed.
   */
  void stop(boolean graceful) {
    stopping = true;
    boolean drained = false;
    try {
      drained = consumer.drain(graceful ? CLOSE_GRACE.toMillis() : 0);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (!drained) {
      if (graceful) {
        log.warn("relay for slot {}: the batch being published was not acknowledged within {} ms of close(); it "
            + "is abandoned and sent again on the next start", settings.replicationSlot(), CLOSE_GRACE.toMillis());
      }
      publisher.stop(); // ends a retry backoff at once; Debezium's close interrupts a waiting send
    }
    closeEngine();
    try {
      if (!ended.await(END_WAIT.toSeconds(), TimeUnit.SECONDS)) {
        log.warn("relay for slot {}: the engine did not stop within {} s", settings.replicationSlot(), END_WAIT.toSeconds());
        publisher.abort();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    publisher.close();
    thread.shutdownNow();
  }

  /** Debezium's close: stores the position of everything marked processed, then stops the connector. */
  private void closeEngine() {
    try {
      Failsafe.with(CLOSE_RETRIES).run(() -> {
        if (!hasEnded()) {
          engine.close();
        }
      });
    } catch (IllegalStateException e) {
      // still refused after a minute: the wait for the engine's end decides
    } catch (FailsafeException e) {
      // interrupted between two tries (Failsafe keeps the interrupt flag set), or the close failed
      if (!(e.getCause() instanceof InterruptedException)) {
        log.warn("relay for slot {}: stopping the engine failed: {}", settings.replicationSlot(), e.getCause());
      }
    } catch (RuntimeException e) {
      log.warn("relay for slot {}: stopping the engine failed: {}", settings.replicationSlot(), e.toString());
    }
  }
}
