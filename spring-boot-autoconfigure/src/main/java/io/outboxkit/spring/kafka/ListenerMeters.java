package io.outboxkit.spring.kafka;

import io.outboxkit.core.internal.InboxMeters;
import io.outboxkit.inbox.InboxOutcome;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * What {@link IdempotentListener @IdempotentListener} methods and the error handler's dead-letter publisher
 * record in the application's MeterRegistry: the inbox's {@code outboxkit.inbox.processed},
 * {@code .duplicates}, {@code .failures} and {@code .dead.letters} counters, tagged with the consumer name, the
 * same meters the inbox runner records. {@link #NONE} without Micrometer or without a registry.
 */
final class ListenerMeters {

  static final ListenerMeters NONE = new ListenerMeters(InboxMeters.NONE);

  private final InboxMeters meters;

  ListenerMeters(InboxMeters meters) {
    this.meters = meters;
  }

  /** One record's outcome, after its transaction (or savepoint) completed. */
  void outcome(String consumer, InboxOutcome outcome) {
    if (outcome == InboxOutcome.PROCESSED) {
      meters.listener(consumer).processed(1);
    } else {
      meters.listener(consumer).duplicates(1);
    }
  }

  /** A batch's outcomes, one per record. */
  void outcomes(String consumer, @Nullable List<InboxOutcome> outcomes) {
    if (outcomes == null || outcomes.isEmpty()) {
      return;
    }
    int processed = 0;
    for (InboxOutcome outcome : outcomes) {
      if (outcome == InboxOutcome.PROCESSED) {
        processed++;
      }
    }
    InboxMeters.ConsumerMeters counters = meters.listener(consumer);
    counters.processed(processed);
    counters.duplicates(outcomes.size() - processed);
  }

  /** {@code records} records whose attempt failed and was rolled back; the error handler decides what follows. */
  void failures(String consumer, int records) {
    meters.listener(consumer).failures(records);
  }

  /**
   * One record published to a dead-letter topic, for the listener container's group id (the consumer name the
   * dead-letter headers carry too); an empty tag when the thread has none.
   */
  void deadLetter(@Nullable String groupId) {
    meters.listener(groupId == null ? "" : groupId).deadLetter();
  }
}
