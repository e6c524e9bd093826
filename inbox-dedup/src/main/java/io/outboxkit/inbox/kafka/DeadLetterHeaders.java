package io.outboxkit.inbox.kafka;

/**
 * Headers that {@link InboxKafkaRunner} adds to a record it sends to the dead-letter topic. The record keeps
 * its key, value and original headers (earlier {@code outboxkit.dlq.*} headers are replaced). All values
 * are UTF-8 text.
 */
public final class DeadLetterHeaders {

  /** Why the record was dead-lettered: {@value #REASON_RETRIES_EXHAUSTED} or {@value #REASON_INVALID_MESSAGE}. */
  public static final String REASON = "outboxkit.dlq.reason";

  /** The handler failed on every one of the configured attempts. */
  public static final String REASON_RETRIES_EXHAUSTED = "retries-exhausted";

  /** The record cannot be processed: no dedup key, an unparseable body, or the handler said it is invalid. */
  public static final String REASON_INVALID_MESSAGE = "invalid-message";

  /**
   * The fully qualified class of the last error. When the handler threw a {@code SQLException}, that
   * exception's class, not the inbox's wrapper.
   */
  public static final String ERROR_CLASS = "outboxkit.dlq.error.class";

  /** The last error's message, cut to 1,000 characters; absent when the error had none. */
  public static final String ERROR_MESSAGE = "outboxkit.dlq.error.message";

  /** The topic the record was consumed from. */
  public static final String ORIGINAL_TOPIC = "outboxkit.dlq.original.topic";

  /** The partition the record was consumed from, in decimal. */
  public static final String ORIGINAL_PARTITION = "outboxkit.dlq.original.partition";

  /** The record's offset in its partition, in decimal. */
  public static final String ORIGINAL_OFFSET = "outboxkit.dlq.original.offset";

  /** The original record's timestamp, in milliseconds since the epoch, in decimal. */
  public static final String ORIGINAL_TIMESTAMP = "outboxkit.dlq.original.timestamp";

  /** How many times the handler ran for the record, in decimal: 0 when the record had no usable dedup key. */
  public static final String ATTEMPTS = "outboxkit.dlq.attempts";

  /** The inbox consumer name of the runner that gave up. */
  public static final String CONSUMER = "outboxkit.dlq.consumer";

  /** The dedup key, when one could be taken from the record. */
  public static final String MESSAGE_ID = "outboxkit.dlq.message.id";

  /** The prefix of all the headers above. */
  public static final String PREFIX = "outboxkit.dlq.";

  private DeadLetterHeaders() {
  }
}
