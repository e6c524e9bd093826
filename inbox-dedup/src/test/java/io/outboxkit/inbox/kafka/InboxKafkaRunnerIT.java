package io.outboxkit.inbox.kafka;

import static io.outboxkit.inbox.EffectTable.count;
import static io.outboxkit.inbox.EffectTable.countFor;
import static io.outboxkit.inbox.EffectTable.doubles;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.outboxkit.core.DeadLetterHeaders;
import io.outboxkit.inbox.EffectTable;
import io.outboxkit.inbox.InvalidMessageException;
import io.outboxkit.test.OutboxIntegrationTest;
import io.outboxkit.test.TestDatabase;
import io.outboxkit.test.TestKafka;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.Test;

@OutboxIntegrationTest
class InboxKafkaRunnerIT {

  private static final Duration WAIT = Duration.ofSeconds(120);

  @Test
  void sameEventDeliveredThreeTimesIsAppliedOnce(TestDatabase db, TestKafka kafka) throws Exception {
    try (RunnerFixture f = new RunnerFixture(db, kafka, "thrice", 1)) {
      String id = RunnerFixture.newId();
      String other = RunnerFixture.newId();
      f.send("order-1", "{\"orderId\":1}", id, "OrderPlaced");
      f.send("order-1", "{\"orderId\":1}", id, "OrderPlaced");
      f.send("order-2", "{\"orderId\":2}", other, "OrderPlaced");
      f.send("order-1", "{\"orderId\":1}", id, "OrderPlaced");
      AtomicInteger calls = new AtomicInteger();

      InboxKafkaRunner runner = f.start(f.runner().handler((message, connection) -> {
        calls.incrementAndGet();
        EffectTable.apply(connection, message.messageId(), message.key());
      }));

      await().atMost(WAIT).until(() -> runner.stats().processed() + runner.stats().duplicates() == 4);
      assertThat(runner.stats().processed()).isEqualTo(2);
      assertThat(runner.stats().duplicates()).isEqualTo(2);
      assertThat(calls).hasValue(2);
      assertThat(countFor(f.ds, id)).isEqualTo(1);
      assertThat(count(f.ds)).isEqualTo(2);
      await().atMost(WAIT).until(() -> f.committedOffset(0) == 4);
    }
  }

  @Test
  void failingHandlerRecordsNothingIsRetriedAndAppliedOnce(TestDatabase db, TestKafka kafka) throws Exception {
    try (RunnerFixture f = new RunnerFixture(db, kafka, "retry", 1)) {
      String flaky = RunnerFixture.newId();
      AtomicInteger attempts = new AtomicInteger();
      AtomicLong inboxRowsSeenOnRetry = new AtomicLong(-1);
      f.send("a", "{}", "evt-1", "T");
      f.send("a", "{}", flaky, "T");
      f.send("a", "{}", "evt-3", "T");

      InboxKafkaRunner runner = f.start(f.runner().handler((message, connection) -> {
        if (message.messageId().equals(flaky)) {
          int attempt = attempts.incrementAndGet();
          if (attempt == 2) {
            // seen from another connection: the failed first attempt left no inbox row behind
            inboxRowsSeenOnRetry.set(EffectTable.single(f.ds,
                "SELECT count(*) FROM inbox_message WHERE message_id = '" + flaky + "'"));
          }
          if (attempt < 3) {
            EffectTable.apply(connection, flaky, "attempt " + attempt);
            throw new IllegalStateException("downstream not ready, attempt " + attempt);
          }
        }
        EffectTable.apply(connection, message.messageId(), "done");
      }));

      await().atMost(WAIT).until(() -> count(f.ds) == 3);
      assertThat(attempts).hasValue(3);
      assertThat(inboxRowsSeenOnRetry).hasValue(0);
      assertThat(countFor(f.ds, flaky)).isEqualTo(1);
      assertThat(runner.stats().failedAttempts()).isEqualTo(2);
      assertThat(runner.stats().deadLettered()).isZero();
      // order within the partition is kept: evt-3 waited for the retried record
      assertThat(EffectTable.single(f.ds, "SELECT count(*) FROM effect e3, effect e2 WHERE e3.message_id = "
          + "'evt-3' AND e2.message_id = '" + flaky + "' AND e3.seq > e2.seq")).isEqualTo(1);
    }
  }

  @Test
  void poisonRecordIsDeadLetteredAfterMaxAttemptsAndThePartitionMovesOn(TestDatabase db, TestKafka kafka)
      throws Exception {
    try (RunnerFixture f = new RunnerFixture(db, kafka, "poison", 1)) {
      String poison = RunnerFixture.newId();
      f.send("a", "{\"n\":1}", "evt-1", "T");
      f.send("p", "{\"n\":2}", poison, "PoisonType");
      f.send("a", "{\"n\":3}", "evt-3", "T");
      f.send("a", "{\"n\":4}", "evt-4", "T");
      AtomicInteger poisonCalls = new AtomicInteger();

      // backoff 1 s, 2 s, 4 s: 7 s of waiting, longer than max.poll.interval.ms
      InboxKafkaRunner runner = f.start(f.runner()
          .consumerProperty("max.poll.interval.ms", "5000")
          .maxAttempts(4)
          .backoff(Duration.ofSeconds(1), Duration.ofSeconds(4))
          .jitter(0.0)
          .handler((message, connection) -> {
            if (message.messageId().equals(poison)) {
              poisonCalls.incrementAndGet();
              throw new IllegalArgumentException("cannot price item n=2");
            }
            EffectTable.apply(connection, message.messageId(), "done");
          }));
      await().atMost(WAIT).until(() -> count(f.ds) >= 1);
      String memberBefore = member(f);

      await().atMost(WAIT).until(() -> count(f.ds) == 3);
      List<ConsumerRecord<byte[], byte[]>> dead = kafka.readRecords(f.topic + ".dlq", 1, WAIT);
      assertThat(dead).hasSize(1);
      ConsumerRecord<byte[], byte[]> letter = dead.get(0);
      assertThat(new String(letter.key(), StandardCharsets.UTF_8)).isEqualTo("p");
      assertThat(new String(letter.value(), StandardCharsets.UTF_8)).isEqualTo("{\"n\":2}");
      assertThat(header(letter, "id")).isEqualTo(poison);
      assertThat(header(letter, "eventType")).isEqualTo("PoisonType");
      assertThat(header(letter, DeadLetterHeaders.REASON)).isEqualTo("retries-exhausted");
      assertThat(header(letter, DeadLetterHeaders.ERROR_CLASS)).isEqualTo("java.lang.IllegalArgumentException");
      assertThat(header(letter, DeadLetterHeaders.ERROR_MESSAGE)).isEqualTo("cannot price item n=2");
      assertThat(header(letter, DeadLetterHeaders.ORIGINAL_TOPIC)).isEqualTo(f.topic);
      assertThat(header(letter, DeadLetterHeaders.ORIGINAL_PARTITION)).isEqualTo("0");
      assertThat(header(letter, DeadLetterHeaders.ORIGINAL_OFFSET)).isEqualTo("1");
      assertThat(header(letter, DeadLetterHeaders.ATTEMPTS)).isEqualTo("4");
      assertThat(header(letter, DeadLetterHeaders.CONSUMER)).isEqualTo(f.group);
      assertThat(header(letter, DeadLetterHeaders.MESSAGE_ID)).isEqualTo(poison);
      assertThat(header(letter, DeadLetterHeaders.EVENT_ID)).isEqualTo(poison);
      assertThat(header(letter, DeadLetterHeaders.ORIGINAL_TIMESTAMP)).matches("[0-9]+");
      // the documented set for consumers, as Spring listeners' dead letters have it, plus the runner's own three
      assertThat(deadLetterHeaderNames(letter)).containsExactlyInAnyOrder(DeadLetterHeaders.REASON,
          DeadLetterHeaders.ERROR_CLASS, DeadLetterHeaders.ERROR_MESSAGE, DeadLetterHeaders.ORIGINAL_TOPIC,
          DeadLetterHeaders.ORIGINAL_PARTITION, DeadLetterHeaders.ORIGINAL_OFFSET,
          DeadLetterHeaders.ORIGINAL_TIMESTAMP, DeadLetterHeaders.EVENT_ID, DeadLetterHeaders.CONSUMER,
          DeadLetterHeaders.ATTEMPTS, DeadLetterHeaders.MESSAGE_ID);

      assertThat(poisonCalls).hasValue(4);
      assertThat(runner.stats().deadLettered()).isEqualTo(1);
      assertThat(countFor(f.ds, poison)).isZero();
      assertThat(EffectTable.single(f.ds, "SELECT count(*) FROM inbox_message WHERE message_id = '" + poison
          + "'")).isZero();
      await().atMost(WAIT).until(() -> f.committedOffset(0) == 4);
      assertThat(member(f)).as("the member kept its place in the group while waiting").isEqualTo(memberBefore);
    }
  }

  @Test
  void recordsWithoutKeyOrWithUnparseableBodyAreDeadLetteredWithoutRetry(TestDatabase db, TestKafka kafka)
      throws Exception {
    try (RunnerFixture f = new RunnerFixture(db, kafka, "invalid", 1)) {
      f.send("o1", "{\"orderId\":\"o1\"}", RunnerFixture.newId(), "OrderPlaced");
      f.send("o2", "{\"orderId\":", RunnerFixture.newId(), "OrderPlaced");
      f.send("o3", "{\"order\":\"o3\"}", RunnerFixture.newId(), "OrderPlaced");
      f.send("o4", "{\"orderId\":\"o4\"}", RunnerFixture.newId(), "OrderPlaced");
      f.send("o5", "{\"orderId\":\"o5\",\"total\":-1}", RunnerFixture.newId(), "OrderPlaced");
      AtomicInteger calls = new AtomicInteger();

      InboxKafkaRunner runner = f.start(f.runner()
          .messageIdExtractor(MessageIdExtractor.eventTypeAndJsonPointers("/orderId"))
          .deadLetterTopic(f.topic + "-invalid")
          .handler((message, connection) -> {
            calls.incrementAndGet();
            if (message.valueAsString().contains("-1")) {
              throw new InvalidMessageException("negative total"); // the handler's own verdict: no retry
            }
            EffectTable.apply(connection, message.messageId(), "done");
          }));

      await().atMost(WAIT).until(() -> count(f.ds) == 2 && runner.stats().deadLettered() == 3);
      List<ConsumerRecord<byte[], byte[]>> dead = kafka.readRecords(f.topic + "-invalid", 3, WAIT);
      assertThat(dead).extracting(r -> header(r, DeadLetterHeaders.ORIGINAL_OFFSET))
          .containsExactly("1", "2", "4");
      assertThat(dead).extracting(r -> header(r, DeadLetterHeaders.ATTEMPTS)).containsExactly("0", "0", "1");
      assertThat(dead).allSatisfy(r -> {
        assertThat(header(r, DeadLetterHeaders.REASON)).isEqualTo("invalid-message");
        assertThat(header(r, DeadLetterHeaders.ERROR_CLASS)).isEqualTo(InvalidMessageException.class.getName());
      });
      assertThat(header(dead.get(0), DeadLetterHeaders.ERROR_MESSAGE)).contains("not JSON");
      assertThat(header(dead.get(1), DeadLetterHeaders.ERROR_MESSAGE)).contains("no value at /orderId");
      assertThat(header(dead.get(2), DeadLetterHeaders.ERROR_MESSAGE)).isEqualTo("negative total");
      assertThat(header(dead.get(2), DeadLetterHeaders.MESSAGE_ID)).isEqualTo("OrderPlaced|o5");
      assertThat(calls).as("the handler never saw a record without a key, and o5 once").hasValue(3);
      assertThat(EffectTable.single(f.ds, "SELECT count(*) FROM effect WHERE message_id IN "
          + "('OrderPlaced|o1', 'OrderPlaced|o4')")).isEqualTo(2);
    }
  }

  @Test
  void invalidRecordsCanBeSkippedInstead(TestDatabase db, TestKafka kafka) throws Exception {
    try (RunnerFixture f = new RunnerFixture(db, kafka, "skip", 1)) {
      f.send("a", "{}", null, "T"); // no id header
      f.send("a", "{}", "evt-2", "T");
      InboxKafkaRunner runner = f.start(f.runner().invalidMessageAction(InvalidMessageAction.SKIP));

      await().atMost(WAIT).until(() -> count(f.ds) == 1);
      assertThat(runner.stats().skipped()).isEqualTo(1);
      assertThat(runner.stats().deadLettered()).isZero();
      await().atMost(WAIT).until(() -> f.committedOffset(0) == 2);
    }
  }

  @Test
  void businessKeyFromThePayloadFoldsDifferentEventIds(TestDatabase db, TestKafka kafka) throws Exception {
    try (RunnerFixture f = new RunnerFixture(db, kafka, "business", 1)) {
      f.send("o-42", "{\"orderId\":42,\"total\":10}", RunnerFixture.newId(), "OrderPlaced");
      f.send("o-42", "{\"orderId\":42,\"total\":10}", RunnerFixture.newId(), "OrderPlaced"); // re-published
      f.send("o-42", "{\"orderId\":42}", RunnerFixture.newId(), "OrderCancelled");
      f.send("o-43", "{\"orderId\":43}", RunnerFixture.newId(), "OrderPlaced");

      InboxKafkaRunner runner = f.start(f.runner()
          .messageIdExtractor(MessageIdExtractor.eventTypeAndJsonPointers("/orderId")));

      await().atMost(WAIT).until(() -> runner.stats().processed() + runner.stats().duplicates() == 4);
      assertThat(countFor(f.ds, "OrderPlaced|42")).isEqualTo(1);
      assertThat(countFor(f.ds, "OrderCancelled|42")).isEqualTo(1);
      assertThat(countFor(f.ds, "OrderPlaced|43")).isEqualTo(1);
      assertThat(count(f.ds)).isEqualTo(3);
      assertThat(runner.stats().duplicates()).isEqualTo(1);
    }
  }

  @Test
  void batchFormIsolatesTheFailingEffect(TestDatabase db, TestKafka kafka) throws Exception {
    try (RunnerFixture f = new RunnerFixture(db, kafka, "batch", 2)) {
      List<String> ids = new ArrayList<>();
      for (int i = 0; i < 40; i++) {
        String id = i == 10 ? "transient" : i == 25 ? "poison" : "evt-" + i;
        ids.add(id);
        f.sendTo(i % 2, "k" + i, "{\"i\":" + i + "}", RunnerFixture.headers(id, "T"));
      }
      f.sendTo(0, "k0", "{\"i\":0}", RunnerFixture.headers("evt-0", "T")); // a redelivery inside the stream
      Map<String, AtomicInteger> attempts = new ConcurrentHashMap<>();
      AtomicInteger largestBatch = new AtomicInteger();

      InboxKafkaRunner runner = f.start(f.withoutHandler()
          .maxAttempts(3)
          .batchHandler((messages, connection) -> {
            largestBatch.accumulateAndGet(messages.size(), Math::max);
            for (InboxMessage message : messages) {
              EffectTable.apply(connection, message.messageId(), "batch of " + messages.size());
              int attempt = attempts.computeIfAbsent(message.messageId(), k -> new AtomicInteger()).incrementAndGet();
              if (message.messageId().equals("poison") || (message.messageId().equals("transient") && attempt <= 2)) {
                throw new IllegalStateException("effect of " + message.messageId() + " failed");
              }
            }
          }));

      await().atMost(WAIT).until(() -> count(f.ds) == 39 && runner.stats().deadLettered() == 1);
      assertThat(doubles(f.ds)).isZero();
      assertThat(countFor(f.ds, "transient")).isEqualTo(1);
      assertThat(countFor(f.ds, "poison")).isZero();
      assertThat(EffectTable.inboxRows(f.ds)).isEqualTo(39);
      assertThat(largestBatch.get()).as("records were processed in batches").isGreaterThan(1);
      List<ConsumerRecord<byte[], byte[]>> dead = kafka.readRecords(f.topic + ".dlq", 1, WAIT);
      assertThat(dead).singleElement().satisfies(r -> {
        assertThat(header(r, "id")).isEqualTo("poison");
        assertThat(header(r, DeadLetterHeaders.ATTEMPTS)).isEqualTo("3");
      });
      await().atMost(WAIT).until(() -> f.committedOffset(0) == 21 && f.committedOffset(1) == 20);
    }
  }

  @Test
  void twoConsumersOfOneGroupThroughRebalancesApplyEachEffectOnce(TestDatabase db, TestKafka kafka)
      throws Exception {
    try (RunnerFixture f = new RunnerFixture(db, kafka, "rebalance", 4)) {
      for (int i = 0; i < 300; i++) {
        f.send("k" + (i % 37), "{}", "evt-" + i, "T");
      }
      InboxKafkaRunner first = f.start(f.runner().threadName("first"));
      await().atMost(WAIT).until(() -> count(f.ds) >= 30);

      InboxKafkaRunner second = f.start(f.runner().threadName("second"));
      // the next records are sent once both runners hold partitions: sent earlier, the first runner may
      // process them all before the rebalance ends, and the second one would get nothing to do
      await().atMost(WAIT).until(() -> f.membersWithPartitions() == 2);
      for (int i = 300; i < 500; i++) {
        f.send("k" + (i % 37), "{}", "evt-" + i, "T");
      }
      f.flush();
      await().atMost(WAIT).until(() -> second.stats().processed() > 0 && count(f.ds) >= 400);

      first.close(); // its partitions move to the second runner, with what it did committed
      for (int i = 500; i < 600; i++) {
        f.send("k" + (i % 37), "{}", "evt-" + i, "T");
      }
      f.flush();
      await().atMost(WAIT).until(() -> count(f.ds) == 600);

      assertThat(doubles(f.ds)).isZero();
      assertThat(EffectTable.single(f.ds, "SELECT count(DISTINCT message_id) FROM effect")).isEqualTo(600);
      assertThat(first.stats().processed() + second.stats().processed()).isEqualTo(600);
      assertThat(first.failure()).isNull();
      await().atMost(WAIT).until(() -> f.committed().values().stream().mapToLong(o -> o.offset()).sum() == 600);
    }
  }

  @Test
  void closeFinishesTheCurrentRecordCommitsAndStops(TestDatabase db, TestKafka kafka) throws Exception {
    try (RunnerFixture f = new RunnerFixture(db, kafka, "shutdown", 1)) {
      for (int i = 0; i < 5; i++) {
        f.send("a", "{}", "evt-" + i, "T");
      }
      CountDownLatch inThird = new CountDownLatch(1);
      CountDownLatch release = new CountDownLatch(1);
      InboxKafkaRunner runner = f.start(f.runner().handler((message, connection) -> {
        if (message.messageId().equals("evt-2")) {
          inThird.countDown();
          try {
            release.await(120, TimeUnit.SECONDS);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        }
        EffectTable.apply(connection, message.messageId(), "done");
      }));
      assertThat(inThird.await(120, TimeUnit.SECONDS)).isTrue();

      Thread closer = new Thread(runner::close, "closer");
      closer.start();
      // close() has asked the loop to stop once it waits for the loop to end
      await().atMost(WAIT).until(() -> closer.getState() == Thread.State.TIMED_WAITING);
      release.countDown();
      closer.join(120_000);

      assertThat(runner.isRunning()).isFalse();
      assertThat(runner.failure()).isNull();
      assertThat(count(f.ds)).as("evt-0..evt-2, the one in progress finished").isEqualTo(3);
      assertThat(f.committedOffset(0)).isEqualTo(3);

      InboxKafkaRunner next = f.start(f.runner());
      await().atMost(WAIT).until(() -> count(f.ds) == 5);
      assertThat(next.stats().duplicates()).as("nothing was redelivered").isZero();
    }
  }

  @Test
  void handlerRunsInAConsumerSpanUnderTheRecordsTraceContext(TestDatabase db, TestKafka kafka) throws Exception {
    List<SpanData> spans = new CopyOnWriteArrayList<>();
    try (OpenTelemetrySdk otel = OpenTelemetrySdk.builder()
        .setTracerProvider(SdkTracerProvider.builder()
            .addSpanProcessor(SimpleSpanProcessor.create(OpenTelemetryTracingTest.exporter(spans))).build())
        .build();
        RunnerFixture f = new RunnerFixture(db, kafka, "traced", 1)) {
      f.send("a", "{}", "evt-1", "T", "traceparent", OpenTelemetryTracingTest.TRACEPARENT);
      f.send("a", "{}", "evt-2", "T");
      Map<String, String> traceIds = new ConcurrentHashMap<>();

      f.start(f.runner().openTelemetry(otel).handler((message, connection) -> {
        traceIds.put(message.messageId(), Span.current().getSpanContext().getTraceId());
        EffectTable.apply(connection, message.messageId(), "done");
      }));

      await().atMost(WAIT).until(() -> count(f.ds) == 2);
      assertThat(traceIds.get("evt-1")).isEqualTo(OpenTelemetryTracingTest.TRACE_ID);
      assertThat(traceIds.get("evt-2")).isEqualTo("00000000000000000000000000000000");
      assertThat(spans).singleElement().satisfies(span -> {
        assertThat(span.getParentSpanId()).isEqualTo(OpenTelemetryTracingTest.PARENT_ID);
        assertThat(span.getKind()).isEqualTo(io.opentelemetry.api.trace.SpanKind.CONSUMER);
        assertThat(span.getAttributes().asMap().toString()).contains("outboxkit.inbox.outcome=processed");
      });
    }
  }

  private static String member(RunnerFixture f) throws Exception {
    try (Admin admin = Admin.create(f.kafka.adminProperties())) {
      ConsumerGroupDescription group =
          admin.describeConsumerGroups(List.of(f.group)).all().get(60, TimeUnit.SECONDS).get(f.group);
      return group.members().stream().map(MemberDescription::consumerId).sorted().toList().toString();
    }
  }

  /** The names of the record's dead-letter headers, in order, repeated ones as often as they occur. */
  static List<String> deadLetterHeaderNames(ConsumerRecord<byte[], byte[]> record) {
    return TestKafka.headerNames(record, DeadLetterHeaders.PREFIX);
  }

  static String header(ConsumerRecord<byte[], byte[]> record, String key) {
    Header header = record.headers().lastHeader(key);
    return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
  }
}
