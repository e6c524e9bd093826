package io.outboxkit.inbox.kafka;

import io.outboxkit.core.DeadLetterHeaders;
import io.outboxkit.core.ServerUnavailableException;
import io.outboxkit.core.internal.InboxMeters;
import io.outboxkit.inbox.Inbox;
import io.outboxkit.inbox.InboxOutcome;
import io.outboxkit.inbox.InvalidMessageException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;
import java.util.regex.Pattern;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The runner's polling thread. Everything here runs on that one thread, the rebalance callbacks included
 * (Kafka calls them from inside {@code poll}); only {@link #requestStop()} and the counters are touched from
 * other threads.
 */
final class PollLoop implements Runnable, ConsumerRebalanceListener {

  private static final Logger log = LoggerFactory.getLogger(InboxKafkaRunner.class);

  private enum Step {
    /** Processed, duplicate, dead-lettered or skipped: the offset may be committed. */
    DONE,
    /** Failed; the partition is rewound to the record and paused until its retry is due. */
    RETRY,
    /** The database or the broker is unreachable; the partition is rewound and every partition paused. */
    OUTAGE
  }

  /** A record that failed and is waiting for its next attempt. */
  private static final class FailedRecord {
    final long offset;
    final RetrySchedule.Attempts attempts;
    @Nullable PendingDeadLetter deadLetter;

    FailedRecord(long offset, RetrySchedule.Attempts attempts) {
      this.offset = offset;
      this.attempts = attempts;
    }
  }

  /** A dead letter that could not be published yet; published as soon as the record comes back. */
  private record PendingDeadLetter(Throwable error, int attempts, String reason, @Nullable String messageId) {
  }

  private final Consumer<byte[], byte[]> consumer;
  private final Inbox inbox;
  private final String consumerName;
  private final @Nullable InboxHandler handler;
  private final @Nullable InboxBatchHandler batchHandler;
  private final MessageIdExtractor extractor;
  private final InvalidMessageAction invalidAction;
  private final RetrySchedule schedule;
  private final DeadLetterPublisher deadLetters;
  private final RecordTracing tracing;
  private final RunnerSettings settings;
  private final long pollTimeoutNanos;

  private final PendingOffsets offsets;
  private final PartitionBackoff backoff;
  private final RunnerStatistics statistics;
  private final Map<TopicPartition, FailedRecord> failures = new HashMap<>();
  private RetrySchedule.@Nullable Attempts outage;

  private volatile boolean stopRequested;
  private volatile @Nullable Throwable failure;

  /**
   * @param consumer the runner's consumer, not subscribed yet; closed by the loop
   * @param deadLetters closed by the loop
   * @param nanoClock {@link System#nanoTime()}, or a test's clock for the retry delays
   */
  PollLoop(RunnerSettings settings, Consumer<byte[], byte[]> consumer, DeadLetterPublisher deadLetters,
      LongSupplier nanoClock) {
    this(settings, consumer, deadLetters, nanoClock, InboxMeters.NONE.runner(settings.consumerName()));
  }

  /** As above, recording the outcomes in {@code meters} too. */
  PollLoop(RunnerSettings settings, Consumer<byte[], byte[]> consumer, DeadLetterPublisher deadLetters,
      LongSupplier nanoClock, InboxMeters.ConsumerMeters meters) {
    this.settings = settings;
    this.statistics = new RunnerStatistics(meters);
    this.consumer = consumer;
    this.inbox = settings.inbox();
    this.consumerName = settings.consumerName();
    this.handler = settings.handler();
    this.batchHandler = settings.batchHandler();
    this.extractor = settings.extractor();
    this.invalidAction = settings.invalidAction();
    this.schedule = settings.schedule();
    this.deadLetters = deadLetters;
    this.tracing = settings.tracing();
    this.pollTimeoutNanos = settings.pollTimeout().toNanos();
    this.offsets = new PendingOffsets(consumer, consumerName);
    this.backoff = new PartitionBackoff(consumer, nanoClock);
  }

  InboxKafkaRunner.Stats stats() {
    return statistics.snapshot();
  }

  @Nullable Throwable failure() {
    return failure;
  }

  void requestStop() {
    stopRequested = true;
    consumer.wakeup();
  }

  /** Releases the clients of a runner that was closed before it started. */
  void closeUnstarted() {
    consumer.close();
    deadLetters.close();
  }

  @Override
  public void run() {
    log.info("Inbox runner '{}' starting on {}", consumerName, settings.subscription());
    try {
      subscribe();
      while (!stopRequested) {
        pollOnce();
      }
    } catch (Throwable t) {
      failure = t;
      log.error("Inbox runner '{}' stopped by an unexpected error; processed offsets are committed, the rest "
          + "will be redelivered", consumerName, t);
      if (t instanceof VirtualMachineError error) {
        throw error;
      }
    } finally {
      finish();
    }
  }

  /** Subscribes to the settings' topics or pattern, with this loop as the rebalance listener. */
  void subscribe() {
    List<String> topics = settings.topics();
    Pattern topicPattern = settings.topicPattern();
    if (topics != null) {
      consumer.subscribe(topics, this);
    } else if (topicPattern != null) {
      consumer.subscribe(topicPattern, this);
    }
  }

  /** One round of the loop: resumes the partitions that are due, polls, handles the records, commits. */
  void pollOnce() {
    backoff.resumeDue();
    ConsumerRecords<byte[], byte[]> records;
    try {
      records = consumer.poll(Duration.ofNanos(backoff.pollTimeoutNanos(pollTimeoutNanos)));
    } catch (WakeupException e) {
      return;
    }
    if (!records.isEmpty()) {
      if (batchHandler != null) {
        processBatch(records);
      } else {
        processEach(records);
      }
    }
    offsets.commit();
  }

  /** Commits what is done and closes the clients. */
  void finish() {
    try {
      offsets.commit();
    } catch (RuntimeException e) {
      log.warn("Inbox runner '{}' could not commit its last offsets ({}); those records will be redelivered "
          + "and recognized as duplicates", consumerName, e.toString());
    }
    try {
      consumer.close();
    } catch (RuntimeException e) {
      log.warn("Inbox runner '{}': closing the Kafka consumer failed: {}", consumerName, e.toString());
    }
    deadLetters.close();
    log.info("Inbox runner '{}' stopped: {}", consumerName, stats());
  }

  // ---- per record ----------------------------------------------------------------------------------------

  private void processEach(ConsumerRecords<byte[], byte[]> records) {
    List<TopicPartition> partitions = new ArrayList<>(records.partitions());
    for (int p = 0; p < partitions.size(); p++) {
      TopicPartition partition = partitions.get(p);
      for (ConsumerRecord<byte[], byte[]> record : records.records(partition)) {
        if (stopRequested) {
          return; // what is done is committed on the way out; the rest goes to the next owner
        }
        Step step = processRecord(partition, record);
        if (step == Step.DONE) {
          done(partition, record);
        } else if (step == Step.RETRY) {
          break;
        } else {
          for (int q = p + 1; q < partitions.size(); q++) {
            TopicPartition later = partitions.get(q);
            consumer.seek(later, records.records(later).get(0).offset());
          }
          return;
        }
      }
    }
  }

  private Step processRecord(TopicPartition partition, ConsumerRecord<byte[], byte[]> record) {
    FailedRecord failed = failures.get(partition);
    if (failed != null && failed.offset != record.offset()) {
      failures.remove(partition);
      failed = null;
    }
    if (failed != null && failed.deadLetter != null) {
      PendingDeadLetter letter = failed.deadLetter;
      return deadLetter(partition, record, letter.error(), letter.attempts(), letter.reason(), letter.messageId());
    }
    String messageId;
    try {
      messageId = extractor.extract(record);
      if (messageId == null || messageId.isEmpty()) {
        throw new InvalidMessageException("record " + where(record) + " has no dedup key (" + extractor + ")");
      }
      if (messageId.length() > Inbox.MAX_MESSAGE_ID_LENGTH) {
        throw new InvalidMessageException("record " + where(record) + " has a dedup key of " + messageId.length()
            + " characters, more than the inbox's limit of " + Inbox.MAX_MESSAGE_ID_LENGTH);
      }
    } catch (RuntimeException e) {
      InvalidMessageException invalid = e instanceof InvalidMessageException i ? i
          : new InvalidMessageException("the dedup key of record " + where(record) + " could not be taken ("
              + extractor + "): " + e, e);
      return invalid(partition, record, invalid, 0, null);
    }
    InboxMessage message = new InboxMessage(record, messageId);
    RecordTracing.TraceSpan span = tracing.startRecord(record);
    try {
      InboxOutcome outcome = inbox.process(consumerName, messageId, connection -> {
        if (handler != null) {
          handler.handle(message, connection);
        } else {
          batchHandler.handle(List.of(message), connection);
        }
      });
      span.outcome(outcome);
      count(outcome);
      succeeded(partition, record, failed, messageId);
      return Step.DONE;
    } catch (RuntimeException e) {
      span.failed(e);
      return failed(partition, record, messageId, e, failed);
    } finally {
      span.close();
    }
  }

  private Step failed(TopicPartition partition, ConsumerRecord<byte[], byte[]> record, String messageId,
      RuntimeException error, @Nullable FailedRecord failed) {
    if (error instanceof ServerUnavailableException) {
      return outage(partition, record, "the database or a broker is unavailable", error);
    }
    int attemptsBefore = failed == null ? 0 : failed.attempts.count();
    statistics.failedAttempt();
    if (error instanceof InvalidMessageException invalid) {
      return invalid(partition, record, invalid, attemptsBefore + 1, messageId);
    }
    if (failed == null) {
      failed = new FailedRecord(record.offset(), schedule.newRecordAttempts());
      failures.put(partition, failed);
    }
    failed.attempts.failed(error);
    int attempts = failed.attempts.count();
    if (failed.attempts.exhausted()) {
      return deadLetter(partition, record, error, attempts, DeadLetterHeaders.REASON_RETRIES_EXHAUSTED, messageId);
    }
    Duration delay = failed.attempts.delay();
    log.warn("Record {} (message id {}) failed on attempt {} of {}, retrying in {} ms: {}", where(record),
        messageId, attempts, schedule.maxAttempts(), delay.toMillis(), error.toString());
    consumer.seek(partition, record.offset());
    backoff.pause(List.of(partition), delay);
    return Step.RETRY;
  }

  private Step invalid(TopicPartition partition, ConsumerRecord<byte[], byte[]> record,
      InvalidMessageException error, int attempts, @Nullable String messageId) {
    if (invalidAction == InvalidMessageAction.SKIP) {
      log.warn("Skipping record {}: {}", where(record), error.getMessage());
      statistics.skipped();
      failures.remove(partition);
      return Step.DONE;
    }
    return deadLetter(partition, record, error, attempts, DeadLetterHeaders.REASON_INVALID_MESSAGE, messageId);
  }

  private Step deadLetter(TopicPartition partition, ConsumerRecord<byte[], byte[]> record, Throwable error,
      int attempts, String reason, @Nullable String messageId) {
    try {
      deadLetters.publish(record, error, attempts, reason, consumerName, messageId);
    } catch (RuntimeException publishFailure) {
      FailedRecord failed = failures.get(partition);
      if (failed == null || failed.offset != record.offset()) {
        failed = new FailedRecord(record.offset(), schedule.newRecordAttempts());
        failures.put(partition, failed);
      }
      failed.deadLetter = new PendingDeadLetter(error, attempts, reason, messageId);
      return outage(partition, record, "the dead-letter topic " + deadLetters.topicFor(record.topic())
          + " is unavailable", publishFailure);
    }
    statistics.deadLettered();
    failures.remove(partition);
    outage = null;
    log.error("Record {} (message id {}) sent to dead-letter topic {}: {} after {} attempts, last error {}",
        where(record), messageId, deadLetters.topicFor(record.topic()), reason, attempts, error.toString());
    return Step.DONE;
  }

  private Step outage(TopicPartition partition, ConsumerRecord<byte[], byte[]> record, String what,
      RuntimeException error) {
    RetrySchedule.Attempts current = outage;
    if (current == null) {
      current = schedule.newOutageAttempts();
      outage = current;
      statistics.outage();
    }
    current.failed(error);
    Duration delay = current.delay();
    log.warn("Inbox runner '{}': {} while processing record {}; pausing all partitions for {} ms: {}",
        consumerName, what, where(record), delay.toMillis(), error.getMessage());
    consumer.seek(partition, record.offset());
    backoff.pause(consumer.assignment(), delay);
    return Step.OUTAGE;
  }

  private void succeeded(TopicPartition partition, ConsumerRecord<byte[], byte[]> record,
      @Nullable FailedRecord failed, String messageId) {
    if (failed != null) {
      failures.remove(partition);
      log.info("Record {} (message id {}) succeeded on attempt {}", where(record), messageId,
          failed.attempts.count() + 1);
    }
    if (outage != null) {
      log.info("Inbox runner '{}': the database answers again", consumerName);
      outage = null;
    }
  }

  private void count(InboxOutcome outcome) {
    statistics.outcome(outcome);
  }

  private void done(TopicPartition partition, ConsumerRecord<byte[], byte[]> record) {
    offsets.done(partition, record);
  }

  // ---- per poll --------------------------------------------------------------------------------------------

  private void processBatch(ConsumerRecords<byte[], byte[]> records) {
    List<ConsumerRecord<byte[], byte[]>> all = new ArrayList<>(records.count());
    List<InboxMessage> messages = new ArrayList<>(records.count());
    for (ConsumerRecord<byte[], byte[]> record : records) {
      FailedRecord failed = failures.get(new TopicPartition(record.topic(), record.partition()));
      if (failed != null && failed.offset == record.offset() && failed.deadLetter != null) {
        processEach(records);
        return;
      }
      String messageId;
      try {
        messageId = extractor.extract(record);
      } catch (RuntimeException e) {
        messageId = null;
      }
      if (messageId == null || messageId.isEmpty() || messageId.length() > Inbox.MAX_MESSAGE_ID_LENGTH) {
        processEach(records); // the record by record path dead-letters (or skips) it in its place
        return;
      }
      all.add(record);
      messages.add(new InboxMessage(record, messageId, tracing));
    }
    RuntimeException batchFailure = null;
    RecordTracing.TraceSpan span = tracing.startBatch(all);
    try {
      List<InboxOutcome> outcomes = inbox.processBatch(consumerName, messages, InboxMessage::messageId,
          batchHandler::handle);
      for (InboxOutcome outcome : outcomes) {
        count(outcome);
      }
      span.outcome(null);
    } catch (RuntimeException e) {
      span.failed(e);
      batchFailure = e;
    } finally {
      span.close();
    }
    if (batchFailure == null) {
      for (TopicPartition partition : records.partitions()) {
        List<ConsumerRecord<byte[], byte[]>> list = records.records(partition);
        FailedRecord failed = failures.remove(partition);
        if (failed != null) {
          log.info("Record {}-{}@{} succeeded in a batch on attempt {}", partition.topic(), partition.partition(),
              failed.offset, failed.attempts.count() + 1);
        }
        done(partition, list.get(list.size() - 1));
      }
      if (outage != null) {
        log.info("Inbox runner '{}': the database answers again", consumerName);
        outage = null;
      }
      return;
    }
    if (batchFailure instanceof ServerUnavailableException) {
      List<TopicPartition> partitions = new ArrayList<>(records.partitions());
      for (int i = 1; i < partitions.size(); i++) {
        consumer.seek(partitions.get(i), records.records(partitions.get(i)).get(0).offset());
      }
      TopicPartition first = partitions.get(0);
      outage(first, records.records(first).get(0), "the database or a broker is unavailable", batchFailure);
      return;
    }
    log.warn("Inbox runner '{}': a batch of {} records failed ({}); rolled back, processing them one at a time",
        consumerName, all.size(), batchFailure.toString());
    processEach(records);
  }

  // ---- rebalances ------------------------------------------------------------------------------------------

  @Override
  public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
    if (partitions.isEmpty()) {
      return;
    }
    Map<TopicPartition, OffsetAndMetadata> committed = offsets.commitRevoked(partitions);
    forget(partitions);
    if (committed.isEmpty()) {
      log.info("Inbox runner '{}': partitions revoked {}", consumerName, partitions);
    } else {
      log.info("Inbox runner '{}': partitions revoked {}, committed {}", consumerName, partitions, committed);
    }
  }

  @Override
  public void onPartitionsLost(Collection<TopicPartition> partitions) {
    forget(partitions);
    log.warn("Inbox runner '{}': partitions lost {}; their uncommitted records will be redelivered to the new "
        + "owner and skipped as duplicates where already processed", consumerName, partitions);
  }

  @Override
  public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
    if (!partitions.isEmpty()) {
      log.info("Inbox runner '{}': partitions assigned {}", consumerName, partitions);
    }
  }

  private void forget(Collection<TopicPartition> partitions) {
    offsets.forget(partitions);
    backoff.forget(partitions);
    for (TopicPartition partition : partitions) {
      failures.remove(partition);
    }
  }

  private static String where(ConsumerRecord<?, ?> record) {
    return record.topic() + "-" + record.partition() + "@" + record.offset();
  }
}
