package io.outboxkit.relay;

import io.outboxkit.core.DeadLetterHeaders;
import io.outboxkit.core.InvalidEventException;
import io.outboxkit.core.internal.DeadLetterHeaderValues;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends what cannot be published to the relay's dead-letter topic, with the {@link DeadLetterHeaders}
 * contract: the event's key and headers, its value unless the broker refused it for its size, and the
 * reason, error, intended topic and event id. Waits until the broker took each dead letter, retrying for as
 * long as it takes: an event is never dropped. Used by the publisher's thread only.
 */
final class DeadLetters {

  private static final Logger log = LoggerFactory.getLogger(DeadLetters.class);

  private final RelaySettings settings;
  private final RecordSender sender;
  private final Backoff backoff;
  private final Metrics metrics;
  private final Consumer<@Nullable String> retryListener;

  DeadLetters(RelaySettings settings, RecordSender sender, Backoff backoff, Metrics metrics,
      Consumer<@Nullable String> retryListener) {
    this.settings = settings;
    this.sender = sender;
    this.backoff = backoff;
    this.metrics = metrics;
    this.retryListener = retryListener;
  }

  /** An event the broker refused for good, or whose topic is the dead-letter topic; reason {@code unpublishable}. */
  void unpublishable(RecordMapper.Event event, Throwable error) throws InterruptedException {
    send(event.record(), event.eventId(), DeadLetterHeaders.REASON_UNPUBLISHABLE, error);
  }

  /** A change that cannot be read as an event: its raw content, without a topic; reason {@code invalid-event}. */
  void invalid(RecordMapper.Invalid bad) throws InterruptedException {
    ProducerRecord<byte[], byte[]> raw = new ProducerRecord<>(settings.deadLetterTopic(), null, bad.key(),
        bad.content(), new RecordHeaders());
    send(raw, bad.eventId(), DeadLetterHeaders.REASON_INVALID_EVENT, new InvalidEventException(bad.reason()));
  }

  /**
   * The dead letter of {@code original}: its key and headers (earlier dead-letter headers replaced), its value
   * unless it was refused for its size, and the {@link DeadLetterHeaders}.
   */
  ProducerRecord<byte[], byte[]> deadLetter(ProducerRecord<byte[], byte[]> original, @Nullable String eventId,
      String reason, Throwable error) {
    RecordHeaders headers = new RecordHeaders();
    for (Header header : original.headers()) {
      if (!DeadLetterHeaderValues.isDeadLetterHeader(header.key())) {
        headers.add(header);
      }
    }
    DeadLetterHeaderValues values = new DeadLetterHeaderValues(reason, error);
    if (!DeadLetterHeaders.REASON_INVALID_EVENT.equals(reason)) {
      values.originalTopic(original.topic());
    }
    values.eventId(eventId);
    byte[] value = original.value();
    if (value != null && SendFailures.refusedForSize(error)) {
      values.valueSize(value.length);
      value = null;
    }
    values.values().forEach((name, text) -> headers.add(name, text.getBytes(StandardCharsets.UTF_8)));
    return new ProducerRecord<>(settings.deadLetterTopic(), null, original.key(), value, headers);
  }

  private void send(ProducerRecord<byte[], byte[]> original, @Nullable String eventId, String reason,
      Throwable error) throws InterruptedException {
    ProducerRecord<byte[], byte[]> record = deadLetter(original, eventId, reason, error);
    boolean raw = DeadLetterHeaders.REASON_INVALID_EVENT.equals(reason);
    Backoff.Attempts attempts = backoff.start();
    while (true) {
      RecordSender.Outcome outcome = sender.sendInOrder(List.of(record), any -> null).get(0);
      Throwable failure = outcome.failure();
      if (failure == null) {
        RecordMetadata metadata = outcome.metadata();
        log.error("event {} could not be published to topic {} and was sent to dead-letter topic {}{}: {}",
            eventId, raw ? "(unknown)" : original.topic(), settings.deadLetterTopic(),
            metadata == null ? "" : " (partition " + metadata.partition() + ", offset " + metadata.offset() + ")",
            SendFailures.describe(error));
        metrics.deadLettered(1);
        return;
      }
      attempts.failed();
      Duration delay = attempts.delay();
      String message = "dead-letter topic " + settings.deadLetterTopic() + " did not take event " + eventId + ": "
          + SendFailures.describe(failure) + "; retrying (attempt " + attempts.count() + ")";
      log.warn("{}; next attempt in {} ms; the relay waits: an event is never dropped", message, delay.toMillis());
      retryListener.accept(message);
      metrics.retried(1);
      if (SendFailures.needsNewProducer(failure)) {
        sender.replaceProducer(failure);
      }
      sender.pause(delay);
    }
  }
}
