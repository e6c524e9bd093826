package io.outboxkit.core.internal;

import io.outboxkit.core.DeadLetterHeaders;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The {@link DeadLetterHeaders} of one dead letter, assembled the same way by the relay, the inbox runner and
 * the Spring listeners' error handler; each turns them into Kafka headers of its own client. Not thread-safe:
 * one instance per dead letter.
 */
public final class DeadLetterHeaderValues {

  private final Map<String, String> values = new LinkedHashMap<>();

  /**
   * Starts with the reason and the error: its class and, when it has one, its message cut to
   * {@link DeadLetterHeaders#MAX_ERROR_MESSAGE_LENGTH} characters.
   */
  public DeadLetterHeaderValues(String reason, Throwable error) {
    values.put(DeadLetterHeaders.REASON, reason);
    values.put(DeadLetterHeaders.ERROR_CLASS, error.getClass().getName());
    String message = error.getMessage();
    if (message != null && !message.isEmpty()) {
      values.put(DeadLetterHeaders.ERROR_MESSAGE, message.length() > DeadLetterHeaders.MAX_ERROR_MESSAGE_LENGTH
          ? message.substring(0, DeadLetterHeaders.MAX_ERROR_MESSAGE_LENGTH) : message);
    }
  }

  /** Whether {@code headerName} is one of the dead-letter headers, which a new dead letter replaces. */
  public static boolean isDeadLetterHeader(String headerName) {
    return headerName.startsWith(DeadLetterHeaders.PREFIX);
  }

  /** The topic the event was meant for (relay). */
  public DeadLetterHeaderValues originalTopic(String topic) {
    values.put(DeadLetterHeaders.ORIGINAL_TOPIC, topic);
    return this;
  }

  /** Where a consumed record came from (consumers). */
  public DeadLetterHeaderValues consumedRecord(String topic, int partition, long offset, long timestamp) {
    values.put(DeadLetterHeaders.ORIGINAL_TOPIC, topic);
    values.put(DeadLetterHeaders.ORIGINAL_PARTITION, Integer.toString(partition));
    values.put(DeadLetterHeaders.ORIGINAL_OFFSET, Long.toString(offset));
    values.put(DeadLetterHeaders.ORIGINAL_TIMESTAMP, Long.toString(timestamp));
    return this;
  }

  /** The event id; nothing when null or empty. */
  public DeadLetterHeaderValues eventId(@Nullable String eventId) {
    return putIfPresent(DeadLetterHeaders.EVENT_ID, eventId);
  }

  /** The size of a value left out of the dead letter. */
  public DeadLetterHeaderValues valueSize(int bytes) {
    values.put(DeadLetterHeaders.VALUE_SIZE, Integer.toString(bytes));
    return this;
  }

  /** The consumer that gave up; nothing when null or empty. */
  public DeadLetterHeaderValues consumer(@Nullable String consumer) {
    return putIfPresent(DeadLetterHeaders.CONSUMER, consumer);
  }

  /** How many times the handler ran. */
  public DeadLetterHeaderValues attempts(int attempts) {
    values.put(DeadLetterHeaders.ATTEMPTS, Integer.toString(attempts));
    return this;
  }

  /** The dedup key; nothing when null or empty. */
  public DeadLetterHeaderValues messageId(@Nullable String messageId) {
    return putIfPresent(DeadLetterHeaders.MESSAGE_ID, messageId);
  }

  /** The header names and values, in the order they were given. */
  public Map<String, String> values() {
    return Collections.unmodifiableMap(values);
  }

  private DeadLetterHeaderValues putIfPresent(String name, @Nullable String value) {
    if (value != null && !value.isEmpty()) {
      values.put(name, value);
    }
    return this;
  }
}
