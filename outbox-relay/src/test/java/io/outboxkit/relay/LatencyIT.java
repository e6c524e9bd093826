package io.outboxkit.relay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.outboxkit.core.OutboxEvent;
import io.outboxkit.core.OutboxHeaders;
import io.outboxkit.test.OutboxIntegrationTest;
import io.outboxkit.test.TestDatabase;
import io.outboxkit.test.TestKafka;
import io.outboxkit.writer.OutboxWriter;
import io.outboxkit.core.WriteMode;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

/**
 * A rough commit-to-consume latency figure (not a benchmark: the benchmark harness measures against the
 * baselines): one event per transaction at a fixed rate, the time from the writer's commit returning to a
 * consumer in the same JVM receiving the record; percentiles after a warm-up, and the worst latency of each
 * second, are printed, not asserted. Before writing, it also prints the test JVM's CPU use over 5 idle seconds
 * with the relay active, and its busiest threads.
 *
 * <p>Runs only with {@code -Doutboxkit.relay.latencySeconds=N}. Rate: {@code -Doutboxkit.relay.latencyRate},
 * default 1,000 events/s; warm-up: {@code -Doutboxkit.relay.latencyWarmUpSeconds}, default 5; {@code
 * -Doutboxkit.relay.latencyDebezium=name=value,...} passes Debezium properties to the relay, to compare
 * settings on the same machine.
 */
@OutboxIntegrationTest
class LatencyIT {

  @Test
  void commitToConsumeLatencyAtAFixedRate(TestDatabase db, TestKafka kafka) throws Exception {
    int seconds = Integer.getInteger("outboxkit.relay.latencySeconds", 0);
    assumeTrue(seconds > 0, "set -Doutboxkit.relay.latencySeconds=N to measure latency at a fixed rate");
    int rate = Integer.getInteger("outboxkit.relay.latencyRate", 1_000);
    int warmUpEvents = Integer.getInteger("outboxkit.relay.latencyWarmUpSeconds", 5) * rate;
    int events = warmUpEvents + seconds * rate;
    RelayFixture.installSchema(db);
    String prefix = kafka.newTopic("latency") + ".";
    String topic = prefix + "order";
    kafka.createTopic(topic, 4);
    OutboxWriter writer = RelayFixture.writer(db, WriteMode.TABLE);

    Map<String, Long> committedAt = new ConcurrentHashMap<>();
    Map<String, Long> receivedAt = new ConcurrentHashMap<>();
    List<String> order = new ArrayList<>(events);
    CountDownLatch consumerReady = new CountDownLatch(1);
    AtomicReference<Throwable> consumerFailure = new AtomicReference<>();
    Thread consumer = new Thread(() -> consume(kafka, topic, events, receivedAt, consumerReady, consumerFailure),
        "latency-consumer");

    OutboxRelay.Builder builder = RelayFixture.relay(db, kafka, prefix);
    String overrides = System.getProperty("outboxkit.relay.latencyDebezium", "");
    for (String setting : overrides.split(",")) {
      if (!setting.isBlank()) {
        String[] nameAndValue = setting.split("=", 2);
        builder.debeziumProperty(nameAndValue[0].trim(), nameAndValue[1].trim());
      }
    }
    try (OutboxRelay relay = builder.build()) {
      relay.start();
      RelayFixture.awaitActive(relay);
      consumer.start();
      assertThat(consumerReady.await(60, TimeUnit.SECONDS)).isTrue();
      com.sun.management.OperatingSystemMXBean os =
          (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
      ThreadMXBean threads = ManagementFactory.getThreadMXBean();
      Map<Long, Long> threadCpuBefore = new HashMap<>();
      for (long thread : threads.getAllThreadIds()) {
        threadCpuBefore.put(thread, threads.getThreadCpuTime(thread));
      }
      long cpuBefore = os.getProcessCpuTime();
      long idleStart = System.nanoTime();
      LockSupport.parkNanos(TimeUnit.SECONDS.toNanos(5)); // a measurement of idle CPU, not a wait for a result
      long idleNanos = System.nanoTime() - idleStart;
      double idleCpu = 100.0 * (os.getProcessCpuTime() - cpuBefore) / idleNanos;
      List<String> busiest = new ArrayList<>();
      threadCpuBefore.entrySet().stream()
          .map(e -> Map.entry(e.getKey(), threads.getThreadCpuTime(e.getKey()) - e.getValue()))
          .filter(e -> e.getValue() > 0)
          .sorted(Map.Entry.<Long, Long>comparingByValue().reversed())
          .limit(6)
          .forEach(e -> {
            ThreadInfo info = threads.getThreadInfo(e.getKey());
            busiest.add(String.format("%s %.1f%%", info == null ? "?" : info.getThreadName(),
                100.0 * e.getValue() / idleNanos));
          });
      System.out.printf("latency: test JVM CPU while the relay is active and idle: %.1f%% of one core%s; busiest "
          + "threads: %s%n", idleCpu, overrides.isBlank() ? "" : " (Debezium overrides: " + overrides + ")", busiest);
      double load = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
      long interval = 1_000_000_000L / rate;
      long start = System.nanoTime();
      try (Connection connection = db.openConnection()) {
        connection.setAutoCommit(false);
        for (int i = 0; i < events; i++) {
          long due = start + i * interval;
          long wait = due - System.nanoTime();
          if (wait > 0) {
            LockSupport.parkNanos(wait);
          }
          String id = writer.publish(connection, OutboxEvent.of("order", "order-" + (i % 100), "OrderPlaced",
              "{\"n\": " + i + "}")).toString();
          connection.commit();
          committedAt.put(id, System.nanoTime());
          order.add(id);
        }
      }
      double achieved = events * 1e9 / (System.nanoTime() - start);
      consumer.join(RelayFixture.TIMEOUT.toMillis());
      if (consumerFailure.get() != null) {
        throw new AssertionError("consumer failed", consumerFailure.get());
      }
      long[] micros = order.subList(warmUpEvents, events).stream()
          .mapToLong(id -> (receivedAt.getOrDefault(id, Long.MAX_VALUE) - committedAt.get(id)) / 1_000)
          .toArray();
      Arrays.sort(micros);
      long missing = Arrays.stream(micros).filter(m -> m > Long.MAX_VALUE / 2_000).count();
      double loadAtEnd = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
      System.out.printf("latency: %d events/s asked, %.0f achieved, %d s after a %d-event warm-up; commit to "
              + "consume p50 %.1f ms, p90 %.1f ms, p99 %.1f ms, p99.9 %.1f ms, max %.1f ms; load average %.1f on "
              + "%d cores at start, %.1f at end%s%n", rate, achieved, seconds, warmUpEvents, pct(micros, 50),
          pct(micros, 90), pct(micros, 99), pct(micros, 99.9), micros[micros.length - 1 - (int) missing] / 1000.0,
          load, Runtime.getRuntime().availableProcessors(), loadAtEnd,
          overrides.isBlank() ? "" : "; Debezium overrides: " + overrides);
      // the worst latency of each second of writing: shows whether slow events come in periodic stalls
      StringBuilder worstPerSecond = new StringBuilder();
      for (int second = 0; second < seconds; second++) {
        long worst = 0;
        for (int i = warmUpEvents + second * rate; i < Math.min(events, warmUpEvents + (second + 1) * rate); i++) {
          String id = order.get(i);
          worst = Math.max(worst, receivedAt.getOrDefault(id, Long.MAX_VALUE / 2) - committedAt.get(id));
        }
        worstPerSecond.append(second == 0 ? "" : " ").append(worst / 1_000_000);
      }
      System.out.printf("latency: worst per second (ms): %s%n", worstPerSecond);
      assertThat(missing).as("events not received").isZero();
    }
  }

  private static double pct(long[] sorted, double percentile) {
    int index = (int) Math.ceil(percentile / 100.0 * sorted.length) - 1;
    return sorted[Math.max(0, Math.min(index, sorted.length - 1))] / 1000.0;
  }

  private static void consume(TestKafka kafka, String topic, int events, Map<String, Long> receivedAt,
      CountDownLatch ready, AtomicReference<Throwable> failure) {
    try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(kafka.consumerProperties(kafka.newGroupId()))) {
      List<TopicPartition> partitions = new ArrayList<>();
      for (PartitionInfo info : consumer.partitionsFor(topic, Duration.ofSeconds(30))) {
        partitions.add(new TopicPartition(info.topic(), info.partition()));
      }
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      consumer.poll(Duration.ofMillis(100)); // connects and fetches metadata before the first event
      ready.countDown();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(events / 100 + 120);
      while (receivedAt.size() < events && System.nanoTime() < deadline) {
        for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(100))) {
          long now = System.nanoTime();
          receivedAt.putIfAbsent(RelayFixture.header(record, OutboxHeaders.ID), now);
        }
      }
    } catch (Throwable t) {
      failure.set(t);
      ready.countDown();
    }
  }
}
