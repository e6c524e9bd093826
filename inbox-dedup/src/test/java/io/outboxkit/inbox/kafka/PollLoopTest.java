package io.outboxkit.inbox.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import io.outboxkit.core.DeadLetterHeaders;
import io.outboxkit.core.ServerUnavailableException;
import java.net.ConnectException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.RetriableCommitFailedException;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The poll loop against Kafka's MockConsumer and an inbox in memory: offsets, pauses, retries, dead letters
 * and rebalances, each step driven by the test and the retry delays by a test clock.
 */
class PollLoopTest {

  private static final TopicPartition P0 = new TopicPartition("orders", 0);
  private static final TopicPartition P1 = new TopicPartition("orders", 1);
  private static final Duration RETRY_DELAY = Duration.ofMillis(100);

  private final AtomicLong now = new AtomicLong();
  private final PartitionLogConsumer consumer = new PartitionLogConsumer();
  private final MockProducer<byte[], byte[]> producer =
      new MockProducer<>(true, null, new ByteArraySerializer(), new ByteArraySerializer());
  private final InMemoryInbox inbox = new InMemoryInbox();
  private final RecordingHandler handler = new RecordingHandler();
  private @Nullable PollLoop loop;

  @AfterEach
  void finish() {
    if (loop != null) {
      loop.finish();
    }
  }

  @Test
  void offsetsAreCommittedOnlyUpToTheLastFullyHandledRecord() {
    PollLoop loop = start(handler, null, 5, P0);
    append(P0, "a", "b", "c", "d", "e");
    handler.failAlways("c");

    loop.pollOnce();

    assertThat(handler.applied).containsExactly("a", "b");
    assertThat(handler.attempts).containsExactly("a", "b", "c");
    assertThat(consumer.committedOffset(P0)).isEqualTo(2); // c is next
    assertThat(loop.stats()).isEqualTo(new InboxKafkaRunner.Stats(2, 0, 1, 0, 0, 0));
  }

  @Test
  void aFailingPartitionIsPausedAndResumedAfterItsBackoffWhileTheOthersProgress() {
    PollLoop loop = start(handler, null, 5, P0, P1);
    append(P0, "a0", "b0", "c0");
    append(P1, "a1", "b1");
    handler.failTimes("b0", 1);

    loop.pollOnce();
    assertThat(consumer.paused()).containsExactly(P0);
    assertThat(consumer.committedOffset(P0)).isEqualTo(1);
    assertThat(consumer.committedOffset(P1)).isEqualTo(2);

    append(P1, "c1");
    append(P0, "d0");
    loop.pollOnce(); // before the delay: only P1 is polled
    assertThat(handler.applied).containsExactlyInAnyOrder("a0", "a1", "b1", "c1");
    assertThat(consumer.committedOffset(P1)).isEqualTo(3);
    assertThat(consumer.lastPollTimeout()).isLessThanOrEqualTo(RETRY_DELAY);

    advance(RETRY_DELAY);
    loop.pollOnce();
    assertThat(consumer.paused()).isEmpty();
    assertThat(handler.applied).containsSubsequence("a0", "b0", "c0", "d0");
    assertThat(consumer.committedOffset(P0)).isEqualTo(4);
    assertThat(loop.stats()).isEqualTo(new InboxKafkaRunner.Stats(7, 0, 1, 0, 0, 0));
  }

  @Test
  void aRecordThatKeepsFailingIsDeadLetteredAndItsPartitionMovesOn() {
    PollLoop loop = start(handler, null, 2, P0);
    append(P0, "a", "b", "c");
    handler.failAlways("b");

    loop.pollOnce();
    assertThat(producer.history()).isEmpty();
    advance(RETRY_DELAY);
    loop.pollOnce();

    assertThat(producer.history()).hasSize(1);
    ProducerRecord<byte[], byte[]> deadLetter = producer.history().get(0);
    assertThat(deadLetter.topic()).isEqualTo("orders.dlq");
    assertThat(header(deadLetter, DeadLetterHeaders.REASON)).isEqualTo(DeadLetterHeaders.REASON_RETRIES_EXHAUSTED);
    assertThat(header(deadLetter, DeadLetterHeaders.ATTEMPTS)).isEqualTo("2");
    assertThat(header(deadLetter, DeadLetterHeaders.MESSAGE_ID)).isEqualTo("b");
    assertThat(handler.applied).containsExactly("a", "c");
    assertThat(consumer.committedOffset(P0)).isEqualTo(3);
    assertThat(loop.stats()).isEqualTo(new InboxKafkaRunner.Stats(2, 0, 2, 1, 0, 0));
  }

  @Test
  void aRecordWithoutDedupKeyIsDeadLetteredAtOnceOrSkipped() {
    PollLoop loop = start(handler, null, 5, P0);
    append(P0, "a", null, "c");
    loop.pollOnce();
    assertThat(producer.history()).extracting(r -> header(r, DeadLetterHeaders.REASON))
        .containsExactly(DeadLetterHeaders.REASON_INVALID_MESSAGE);
    assertThat(handler.applied).containsExactly("a", "c");
    assertThat(consumer.committedOffset(P0)).isEqualTo(3);
  }

  @Test
  void anUnreachableDatabasePausesEveryPartitionWithoutCountingAgainstTheRecord() {
    PollLoop loop = start(handler, null, 1, P0, P1);
    append(P0, "a0", "b0");
    append(P1, "a1", "b1");
    inbox.failNextCall(new ServerUnavailableException("connection refused", new ConnectException("refused")));
    inbox.failNextCall(new ServerUnavailableException("connection refused", new ConnectException("refused")));

    loop.pollOnce();
    assertThat(consumer.paused()).containsExactlyInAnyOrder(P0, P1);
    assertThat(handler.applied).isEmpty();
    advance(RETRY_DELAY);
    loop.pollOnce(); // fails again: still one outage, and with maxAttempts 1 nothing is dead-lettered
    assertThat(handler.applied).isEmpty();
    advance(RETRY_DELAY);
    loop.pollOnce();

    assertThat(handler.applied).containsExactlyInAnyOrder("a0", "b0", "a1", "b1");
    assertThat(producer.history()).isEmpty();
    assertThat(consumer.committedOffset(P0)).isEqualTo(2);
    assertThat(consumer.committedOffset(P1)).isEqualTo(2);
    assertThat(loop.stats()).isEqualTo(new InboxKafkaRunner.Stats(4, 0, 0, 0, 0, 1));
  }

  @Test
  void aRevokedPartitionIsCommittedAndItsRetryStateForgotten() {
    PollLoop loop = start(handler, null, 2, P0, P1);
    append(P0, "a0", "b0");
    append(P1, "a1");
    handler.failAlways("b0");
    consumer.failNextCommit(new RetriableCommitFailedException("coordinator moving"));

    loop.pollOnce(); // a0 and a1 done but not committed; b0 failed once, P0 paused
    assertThat(consumer.committedOffset(P0)).isEqualTo(-1);

    consumer.schedulePollTask(() -> consumer.assignPartitions(List.of(P1)));
    loop.pollOnce(); // the rebalance inside the poll revokes P0: its offset is committed on the way out
    assertThat(consumer.committedOffset(P0)).isEqualTo(1);
    assertThat(consumer.committedOffset(P1)).isEqualTo(1);

    consumer.schedulePollTask(() -> consumer.assignPartitions(List.of(P0, P1)));
    loop.pollOnce(); // P0 assigned again, from its committed offset
    loop.pollOnce(); // b0 starts over with its attempts: not dead-lettered after one more failure
    assertThat(handler.attempts).containsSubsequence("b0", "b0");
    assertThat(producer.history()).isEmpty();
    assertThat(consumer.paused()).containsExactly(P0);
    assertThat(loop.stats().failedAttempts()).isEqualTo(2);
  }

  @Test
  void lostPartitionsAreDroppedWithoutACommit() {
    PollLoop loop = start(handler, null, 5, P0);
    append(P0, "a", "b");
    consumer.failNextCommit(new RetriableCommitFailedException("coordinator moving"));
    loop.pollOnce();

    loop.onPartitionsLost(List.of(P0));
    loop.pollOnce();
    assertThat(consumer.committedOffset(P0)).isEqualTo(-1);
  }

  @Test
  void theLastOffsetsAreCommittedWhenTheLoopFinishes() {
    PollLoop loop = start(handler, null, 5, P0);
    append(P0, "a", "b");
    consumer.failNextCommit(new RetriableCommitFailedException("coordinator moving"));
    loop.pollOnce();
    assertThat(consumer.committedOffset(P0)).isEqualTo(-1);

    loop.finish();
    this.loop = null;
    assertThat(consumer.committedOffset(P0)).isEqualTo(2);
    assertThat(consumer.closed()).isTrue();
    assertThat(producer.closed()).isFalse(); // never used, never created
  }

  @Test
  void aFailedBatchIsAppliedRecordByRecordUpToTheFailingRecord() {
    PollLoop loop = start(null, handler, 5, P0);
    append(P0, "a", "b", "c", "d");
    handler.failAlways("c");

    loop.pollOnce();

    assertThat(handler.batches).containsExactly(List.of("a", "b", "c", "d"), List.of("a"), List.of("b"),
        List.of("c"));
    assertThat(handler.applied).containsExactly("a", "b");
    assertThat(inbox.contains("billing", "a")).isTrue();
    assertThat(inbox.contains("billing", "d")).isFalse();
    assertThat(consumer.committedOffset(P0)).isEqualTo(2);
    assertThat(consumer.paused()).containsExactly(P0);
  }

  @Test
  void aBatchCountsItsDuplicates() {
    PollLoop loop = start(null, handler, 5, P0);
    append(P0, "a", "b", "a");
    loop.pollOnce();
    assertThat(handler.applied).containsExactly("a", "b");
    assertThat(loop.stats()).isEqualTo(new InboxKafkaRunner.Stats(2, 1, 0, 0, 0, 0));
    assertThat(consumer.committedOffset(P0)).isEqualTo(3);
  }

  // ---- fixture ---------------------------------------------------------------------------------------------

  private PollLoop start(@Nullable InboxHandler recordHandler, @Nullable InboxBatchHandler batchHandler,
      int maxAttempts, TopicPartition... partitions) {
    RunnerSettings settings = new RunnerSettings(inbox, "billing", recordHandler, batchHandler,
        MessageIdExtractor.idHeader(), InvalidMessageAction.DEAD_LETTER,
        new RetrySchedule(maxAttempts, RETRY_DELAY, RETRY_DELAY, 2.0, 0.0), RecordTracing.NONE, List.of("orders"),
        null, Duration.ofSeconds(1));
    DeadLetterPublisher deadLetters =
        new DeadLetterPublisher(() -> producer, null, ".dlq", Duration.ofSeconds(5));
    PollLoop started = new PollLoop(settings, consumer, deadLetters, now::get);
    started.subscribe();
    consumer.assignPartitions(List.of(partitions));
    loop = started;
    return started;
  }

  private void append(TopicPartition partition, @Nullable String... ids) {
    for (String id : ids) {
      consumer.append(partition, id);
    }
  }

  private void advance(Duration duration) {
    now.addAndGet(duration.toNanos());
  }

  private static @Nullable String header(ProducerRecord<byte[], byte[]> record, String name) {
    Header header = record.headers().lastHeader(name);
    return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
  }

  /** A handler in memory: what it was asked to apply, what it applied, and the ids it fails on. */
  private static final class RecordingHandler implements InboxHandler, InboxBatchHandler {

    final List<String> attempts = new ArrayList<>();
    final List<String> applied = new ArrayList<>();
    final List<List<String>> batches = new ArrayList<>();
    private final Map<String, Integer> failures = new HashMap<>();

    void failAlways(String id) {
      failures.put(id, Integer.MAX_VALUE);
    }

    void failTimes(String id, int times) {
      failures.put(id, times);
    }

    @Override
    public void handle(InboxMessage message, java.sql.Connection connection) {
      attempt(message.messageId());
      applied.add(message.messageId());
    }

    @Override
    public void handle(List<InboxMessage> messages, java.sql.Connection connection) {
      List<String> ids = messages.stream().map(InboxMessage::messageId).toList();
      batches.add(ids);
      ids.forEach(this::attempt);
      applied.addAll(ids);
    }

    private void attempt(String id) {
      attempts.add(id);
      int left = failures.getOrDefault(id, 0);
      if (left > 0) {
        failures.put(id, left - 1);
        throw new IllegalStateException("no stock for " + id);
      }
    }
  }
}
