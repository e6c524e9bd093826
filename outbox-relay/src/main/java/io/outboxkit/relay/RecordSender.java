package io.outboxkit.relay;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Supplier;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.errors.InvalidTopicException;
import org.apache.kafka.common.internals.Topic;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The relay's Kafka producer: hands records to it in their order, waits until the broker answered for each,
 * and replaces it after a failure that may have left it unusable. Stopping ends every wait at once with an
 * {@link InterruptedException}: what was not acknowledged is not committed, and is sent again on the next
 * start.
 *
 * <p>Records are sent by one thread at a time (the engine's consumer, or a recovery); {@link #stop()}, {@link
 * #abort()}, {@link #close()} and {@link #waiting(long)} may be called from any thread.
 */
final class RecordSender implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(RecordSender.class);

  /** The broker's answer for one record: its metadata when acknowledged, otherwise why it was not. */
  record Outcome(@Nullable RecordMetadata metadata, @Nullable Throwable failure) {
  }

  private final Supplier<Producer<byte[], byte[]>> producers;
  private final CountDownLatch stopSignal = new CountDownLatch(1);
  private volatile boolean stopping;
  private volatile @Nullable Producer<byte[], byte[]> producer;
  /** When the current wait for acknowledgements began (System.nanoTime), 0 when not waiting. */
  private volatile long waitingSince;
  private volatile int waitingFor;
  /** Topic names checked with Kafka's own rules; used by the sending thread only. */
  private final Set<String> validTopics = new HashSet<>();

  /**
   * Creates the first producer at once, so that a configuration Kafka refuses fails here.
   *
   * @throws KafkaException if the producer cannot be created
   */
  RecordSender(Supplier<Producer<byte[], byte[]>> producers) {
    this.producers = producers;
    this.producer = producers.get();
  }

  /**
   * Hands the records to the producer in their order, then waits until the broker answered for each. A
   * record for which {@code refusal} gives a failure is not handed over and fails with it. When the producer
   * refuses a record at once (not even buffered: no metadata within {@code max.block.ms}, ...) and the
   * failure is not one for the dead-letter topic, the records after it are held back (they fail with {@link
   * SendFailures#heldBack}): sending them now could put a later event of the same aggregate before it.
   *
   * @return one outcome per record, in the order of {@code records}
   * @throws InterruptedException if the sender is stopping; nothing of these records may be committed then
   */
  List<Outcome> sendInOrder(List<ProducerRecord<byte[], byte[]>> records,
      Function<ProducerRecord<byte[], byte[]>, @Nullable Exception> refusal) throws InterruptedException {
    Producer<byte[], byte[]> current = currentProducer();
    List<Future<RecordMetadata>> futures = new ArrayList<>(records.size());
    for (int i = 0; i < records.size(); i++) {
      ProducerRecord<byte[], byte[]> record = records.get(i);
      Exception refused = refusal.apply(record);
      Future<RecordMetadata> future = refused != null ? CompletableFuture.failedFuture(refused) : send(current, record);
      futures.add(future);
      Throwable failed = future.isDone() ? outcome(future).failure() : null;
      if (failed != null && SendFailures.handling(failed) != SendFailures.Handling.DEAD_LETTER) {
        for (int j = i + 1; j < records.size(); j++) {
          futures.add(CompletableFuture.failedFuture(SendFailures.heldBack(failed)));
        }
        break;
      }
    }
    flush(current, records.size());
    List<Outcome> outcomes = new ArrayList<>(futures.size());
    for (Future<RecordMetadata> future : futures) {
      outcomes.add(outcome(future));
    }
    return outcomes;
  }

  private Producer<byte[], byte[]> currentProducer() throws InterruptedException {
    checkStopping();
    Producer<byte[], byte[]> current = producer;
    if (current == null) {
      current = producers.get();
      producer = current;
    }
    return current;
  }

  private Future<RecordMetadata> send(Producer<byte[], byte[]> current, ProducerRecord<byte[], byte[]> record)
      throws InterruptedException {
    if (!validTopics.contains(record.topic())) {
      try {
        Topic.validate(record.topic());
        if (validTopics.size() < 10_000) {
          validTopics.add(record.topic());
        }
      } catch (InvalidTopicException e) {
        // refused here: handed to the producer, the name would stay in its metadata and be logged as an error
        // at every metadata refresh from then on
        return CompletableFuture.failedFuture(e);
      }
    }
    try {
      return current.send(record);
    } catch (InterruptException e) {
      throw stopped();
    } catch (KafkaException | IllegalStateException e) {
      if (stopping) {
        throw stopped();
      }
      return CompletableFuture.failedFuture(e);
    }
  }

  private void flush(Producer<byte[], byte[]> current, int records) throws InterruptedException {
    waitingFor = records;
    waitingSince = System.nanoTime();
    try {
      current.flush();
    } catch (InterruptException e) {
      throw stopped();
    } catch (KafkaException | IllegalStateException e) {
      if (stopping) {
        throw stopped();
      }
      log.debug("flush failed: {}", e.toString());
    } finally {
      waitingSince = 0;
    }
    checkStopping();
  }

  private static Outcome outcome(Future<RecordMetadata> future) throws InterruptedException {
    try {
      return new Outcome(future.get(5, TimeUnit.MINUTES), null);
    } catch (ExecutionException e) {
      return new Outcome(null, e.getCause() == null ? e : e.getCause());
    } catch (java.util.concurrent.TimeoutException e) {
      return new Outcome(null,
          new org.apache.kafka.common.errors.TimeoutException("no acknowledgement after flush", e));
    }
  }

  /**
   * What the sender is waiting for, when it has waited for the broker's acknowledgements longer than {@code
   * thresholdMillis}; null otherwise.
   */
  @Nullable String waiting(long thresholdMillis) {
    long since = waitingSince;
    if (since == 0) {
      return null;
    }
    long millis = (System.nanoTime() - since) / 1_000_000;
    return millis < thresholdMillis ? null
        : "waiting " + millis / 1000 + " s for the broker to acknowledge " + waitingFor
            + " record(s) (the producer retries; offsets are not committed meanwhile)";
  }

  /** Closes the producer after a failure that may have left it unusable; the next send creates a new one. */
  void replaceProducer(@Nullable Throwable cause) {
    Producer<byte[], byte[]> old = producer;
    producer = null;
    log.warn("closing the Kafka producer after a non-retriable failure ({}); a new one is created for the retry",
        SendFailures.describe(cause));
    if (old != null) {
      try {
        old.close(Duration.ofSeconds(5));
      } catch (RuntimeException e) {
        log.debug("closing the failed producer: {}", e.toString());
      }
    }
  }

  /** Waits before the next attempt; {@link #stop()} ends the wait at once. */
  void pause(Duration delay) throws InterruptedException {
    if (stopSignal.await(delay.toMillis(), TimeUnit.MILLISECONDS)) {
      throw stopped();
    }
  }

  private void checkStopping() throws InterruptedException {
    if (stopping) {
      throw stopped();
    }
  }

  private static InterruptedException stopped() {
    return new InterruptedException("the relay is stopping: the batch is not committed and is sent again on restart");
  }

  /** Makes the sender give up: the current batch ends with {@link InterruptedException}, nothing is committed. */
  void stop() {
    stopping = true;
    stopSignal.countDown();
  }

  /** Stops and aborts in-flight sends at once: for a close that cannot wait for an unreachable broker. */
  void abort() {
    stop();
    Producer<byte[], byte[]> current = producer;
    if (current != null) {
      log.warn("aborting unacknowledged sends: the broker did not answer within the close grace period; the "
          + "unacknowledged batch is sent again on the next start");
      current.close(Duration.ZERO);
    }
  }

  @Override
  public void close() {
    stop();
    Producer<byte[], byte[]> current = producer;
    producer = null;
    if (current != null) {
      current.close(Duration.ofSeconds(10));
    }
  }
}
