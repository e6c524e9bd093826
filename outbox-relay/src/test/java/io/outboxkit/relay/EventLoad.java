package io.outboxkit.relay;

import io.outboxkit.core.OutboxEvent;
import io.outboxkit.core.OutboxHeaders;
import io.outboxkit.test.TestDatabase;
import io.outboxkit.writer.OutboxWriter;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * Writes numbered events for a set of aggregates (payload {@code {"seq": n}}, n rising per aggregate) and
 * checks what arrived: every event present, duplicates counted, commit order kept per aggregate.
 */
final class EventLoad {

  private static final Pattern SEQ = Pattern.compile("\"seq\": ?(\\d+)");

  final int events;
  final int aggregates;
  final int perTransaction;
  final String aggregateType;
  final AtomicInteger written = new AtomicInteger();
  final Set<String> ids = java.util.concurrent.ConcurrentHashMap.newKeySet();

  EventLoad(int events, int aggregates, int perTransaction, String aggregateType) {
    this.events = events;
    this.aggregates = aggregates;
    this.perTransaction = perTransaction;
    this.aggregateType = aggregateType;
  }

  /** The count of a heavy test: the system property's value, or {@code suiteDefault}. */
  static int count(String property, int suiteDefault) {
    return Integer.getInteger(property, suiteDefault);
  }

  CompletableFuture<Void> writeInBackground(TestDatabase db, OutboxWriter writer) {
    return CompletableFuture.runAsync(() -> {
      try {
        write(db, writer);
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    });
  }

  void write(TestDatabase db, OutboxWriter writer) throws Exception {
    write(db, writer, events, new CountDownLatch(0));
  }

  /**
   * Writes the events, but once {@code holdAt} of them are committed waits for {@code resume} before it
   * writes the rest: a test can make sure that events are written at a given moment (while a broker is down).
   */
  void write(TestDatabase db, OutboxWriter writer, int holdAt, CountDownLatch resume) throws Exception {
    int[] seq = new int[aggregates];
    try (Connection connection = db.openConnection()) {
      connection.setAutoCommit(false);
      List<String> pending = new ArrayList<>();
      for (int i = 0; i < events; i++) {
        if (i == holdAt && !resume.await(RelayFixture.TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
          throw new IllegalStateException("not told to go on after " + holdAt + " events");
        }
        int aggregate = (i * 7 + i / aggregates) % aggregates;
        int n = seq[aggregate]++;
        pending.add(writer.publish(connection, OutboxEvent.of(aggregateType, "agg-" + aggregate, "Counted",
            "{\"seq\": " + n + "}")).toString());
        if (pending.size() == perTransaction || i == events - 1) {
          connection.commit();
          ids.addAll(pending);
          written.addAndGet(pending.size());
          pending.clear();
        }
      }
    }
  }

  /** What arrived, checked against what was written. */
  record Outcome(int records, int unique, int duplicates, int missing, int orderViolations, String duplicateSample) {
  }

  Outcome check(List<ConsumerRecord<byte[], byte[]>> records) {
    Map<String, Integer> seen = new HashMap<>();
    Map<String, Integer> lastSeq = new HashMap<>();
    Map<String, Integer> duplicateIds = new LinkedHashMap<>();
    int violations = 0;
    // records of one aggregate are on one partition: read them in offset order per partition
    List<ConsumerRecord<byte[], byte[]>> sorted = new ArrayList<>(records);
    sorted.sort((a, b) -> a.partition() != b.partition() ? Integer.compare(a.partition(), b.partition())
        : Long.compare(a.offset(), b.offset()));
    for (ConsumerRecord<byte[], byte[]> record : sorted) {
      String id = RelayFixture.header(record, OutboxHeaders.ID);
      int times = seen.merge(id, 1, Integer::sum);
      if (times > 1) {
        duplicateIds.merge(id, 1, Integer::sum);
        continue; // a redelivery: the inbox drops it; order is judged on first deliveries
      }
      String key = new String(record.key(), StandardCharsets.UTF_8);
      Matcher matcher = SEQ.matcher(new String(record.value(), StandardCharsets.UTF_8));
      if (!matcher.find()) {
        throw new AssertionError("unexpected payload " + new String(record.value(), StandardCharsets.UTF_8));
      }
      int n = Integer.parseInt(matcher.group(1));
      Integer previous = lastSeq.put(key, n);
      if (previous == null ? n != 0 : n != previous + 1) {
        violations++;
      }
    }
    Set<String> missing = new HashSet<>(ids);
    missing.removeAll(seen.keySet());
    String sample = duplicateIds.keySet().stream().limit(5).toList().toString();
    return new Outcome(records.size(), seen.size(), records.size() - seen.size(), missing.size(), violations,
        sample);
  }

  /** True once every written event arrived at least once. */
  boolean allArrived(List<ConsumerRecord<byte[], byte[]>> records) {
    if (written.get() < events) {
      return false;
    }
    Set<String> arrived = new HashSet<>();
    for (ConsumerRecord<byte[], byte[]> record : records) {
      arrived.add(RelayFixture.header(record, OutboxHeaders.ID));
    }
    return arrived.containsAll(ids);
  }
}
