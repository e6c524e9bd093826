package io.outboxkit.benchmarks;

import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.jspecify.annotations.Nullable;

/**
 * Reads a relay's topic from the beginning in a thread of its own and records, on the {@link Timeline},
 * when each event was first consumed (the time {@code poll} returned it). Counts duplicates and records
 * that carry no benchmark sequence number.
 */
final class EventConsumer implements AutoCloseable {

  private final Timeline timeline;
  private final KafkaConsumer<byte[], byte[]> consumer;
  private final Thread thread;
  private final AtomicLong distinct = new AtomicLong();
  private final AtomicLong duplicates = new AtomicLong();
  private final AtomicLong foreign = new AtomicLong();
  private volatile boolean running = true;
  private volatile @Nullable Throwable failure;

  EventConsumer(String bootstrapServers, String topic, int partitions, Timeline timeline) {
    this.timeline = timeline;
    Properties properties = new Properties();
    properties.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    properties.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    properties.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    properties.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5000);
    properties.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    consumer = new KafkaConsumer<>(properties);
    List<TopicPartition> assigned = new java.util.ArrayList<>();
    for (int p = 0; p < partitions; p++) {
      assigned.add(new TopicPartition(topic, p));
    }
    consumer.assign(assigned);
    consumer.seekToBeginning(assigned);
    thread = new Thread(this::run, "event-consumer");
    thread.setDaemon(true);
    thread.start();
  }

  private void run() {
    try {
      while (running) {
        ConsumerRecords<byte[], byte[]> records = consumer.poll(Duration.ofMillis(100));
        long now = System.nanoTime();
        for (ConsumerRecord<byte[], byte[]> record : records) {
          long seq = record.value() == null ? -1 : Payloads.seqOf(record.value());
          if (seq < 0 || seq >= timeline.capacity()) {
            foreign.incrementAndGet();
          } else if (timeline.consumed(seq, now)) {
            distinct.incrementAndGet();
          } else {
            duplicates.incrementAndGet();
          }
        }
      }
    } catch (org.apache.kafka.common.errors.WakeupException stopping) {
      // closed
    } catch (Throwable e) {
      failure = e;
    } finally {
      consumer.close();
    }
  }

  /**
   * Waits until {@code target} distinct events were consumed.
   *
   * @param check run every 100 ms while waiting, to fail early (for example when the relay died)
   */
  void awaitDistinct(long target, Duration timeout, Runnable check) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (distinct.get() < target) {
      Throwable error = failure;
      if (error != null) {
        throw new BenchmarkException("the benchmark consumer failed: " + error, error);
      }
      check.run();
      if (System.nanoTime() > deadline) {
        throw new BenchmarkException("only " + distinct.get() + " of " + target + " events arrived within "
            + timeout.toSeconds() + " s");
      }
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new BenchmarkException("interrupted while waiting for events", e);
      }
    }
  }

  long distinct() {
    return distinct.get();
  }

  long duplicates() {
    return duplicates.get();
  }

  /** Records without a benchmark sequence number (there should be none). */
  long foreign() {
    return foreign.get();
  }

  @Override
  public void close() {
    running = false;
    consumer.wakeup();
    try {
      thread.join(10_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
