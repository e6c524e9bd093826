package io.outboxkit.inbox.kafka;

import io.outboxkit.core.internal.InboxMeters;
import io.outboxkit.inbox.InboxOutcome;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The counters behind {@link InboxKafkaRunner#stats()}: written by the polling thread, read from any thread.
 * A snapshot is consistent per counter, not across counters.
 */
final class RunnerStatistics {

  private final AtomicLong processed = new AtomicLong();
  private final AtomicLong duplicates = new AtomicLong();
  private final AtomicLong failedAttempts = new AtomicLong();
  private final AtomicLong deadLettered = new AtomicLong();
  private final AtomicLong skipped = new AtomicLong();
  private final AtomicLong outages = new AtomicLong();
  private final InboxMeters.ConsumerMeters meters;

  /** Counters that also move the runner's meters. */
  RunnerStatistics(InboxMeters.ConsumerMeters meters) {
    this.meters = meters;
  }

  /** A record (or a record of a batch) went through the inbox: its effect applied, or skipped as a duplicate. */
  void outcome(InboxOutcome outcome) {
    if (outcome == InboxOutcome.PROCESSED) {
      processed.incrementAndGet();
      meters.processed(1);
    } else {
      duplicates.incrementAndGet();
      meters.duplicates(1);
    }
  }

  /** A handler attempt failed; each retry counts again. */
  void failedAttempt() {
    failedAttempts.incrementAndGet();
    meters.failures(1);
  }

  /** A record was sent to the dead-letter topic. */
  void deadLettered() {
    deadLettered.incrementAndGet();
    meters.deadLetter();
  }

  /** An invalid record was skipped. */
  void skipped() {
    skipped.incrementAndGet();
    meters.skipped();
  }

  /** An outage began: the database or the dead-letter topic could not be reached. */
  void outage() {
    outages.incrementAndGet();
    meters.outage();
  }

  InboxKafkaRunner.Stats snapshot() {
    return new InboxKafkaRunner.Stats(processed.get(), duplicates.get(), failedAttempts.get(), deadLettered.get(),
        skipped.get(), outages.get());
  }
}
