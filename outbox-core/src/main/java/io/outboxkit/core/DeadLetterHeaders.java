package io.outboxkit.core;

/**
 * Names of the headers that every OutboxKit producer of dead letters adds to a record it sends to a
 * dead-letter topic: the relay (events the broker refuses for good), the inbox's Kafka runner and the
 * Spring Kafka listeners' error handler (records that cannot be processed). The record keeps its key, its
 * headers and, unless {@link #VALUE_SIZE} says otherwise, its value; earlier headers with the
 * {@value #PREFIX} prefix are replaced, so a dead letter that is replayed and fails again carries only the
 * latest values. All values are UTF-8 text; numbers are decimal.
 *
 * <p>{@link #REASON}, {@link #ERROR_CLASS} and (when the error has one) {@link #ERROR_MESSAGE} are always
 * there; the others where the producer knows them, as each constant says.
 */
public final class DeadLetterHeaders {

  /** The prefix of every header below. */
  public static final String PREFIX = "outboxkit.dlq.";

  /** Why the record is a dead letter: one of the {@code REASON_*} values below. Always present. */
  public static final String REASON = PREFIX + "reason";

  /**
   * Relay: the broker refused the event for good (too large, invalid topic name), or the event's topic is the
   * relay's dead-letter topic.
   */
  public static final String REASON_UNPUBLISHABLE = "unpublishable";

  /** Relay: the outbox row or WAL message cannot be read as an event; the value is its raw content. */
  public static final String REASON_INVALID_EVENT = "invalid-event";

  /** Consumers: the handler or listener failed on every attempt (or with an error that is not retried). */
  public static final String REASON_RETRIES_EXHAUSTED = "retries-exhausted";

  /**
   * Consumers: the record can never be processed (no dedup key, a body that cannot be read, or the handler
   * said so with {@code InvalidMessageException}); it is not retried.
   */
  public static final String REASON_INVALID_MESSAGE = "invalid-message";

  /**
   * The fully qualified class of the error: the broker's or the relay's exception, or the handler's (the
   * {@code SQLException} itself rather than the inbox's wrapper; the listener's exception rather than Spring
   * Kafka's). Always present.
   */
  public static final String ERROR_CLASS = PREFIX + "error.class";

  /** The error's message, cut to {@value #MAX_ERROR_MESSAGE_LENGTH} characters; absent when it had none. */
  public static final String ERROR_MESSAGE = PREFIX + "error.message";

  /** The longest {@link #ERROR_MESSAGE} value, in characters. */
  public static final int MAX_ERROR_MESSAGE_LENGTH = 1000;

  /**
   * The topic of the record: the one it was consumed from (consumers) or the one the event was meant for
   * (relay; absent for an event that cannot be read, whose topic is unknown).
   */
  public static final String ORIGINAL_TOPIC = PREFIX + "original.topic";

  /** Consumers: the partition the record was consumed from. */
  public static final String ORIGINAL_PARTITION = PREFIX + "original.partition";

  /** Consumers: the record's offset in its partition. */
  public static final String ORIGINAL_OFFSET = PREFIX + "original.offset";

  /** Consumers: the record's timestamp, in milliseconds since the epoch. */
  public static final String ORIGINAL_TIMESTAMP = PREFIX + "original.timestamp";

  /**
   * The event id, 36 lower-case characters: the outbox row's id (relay, whenever it could be read), or the
   * record's {@link OutboxHeaders#ID} header (consumers, when the record has one). One header to look for,
   * whichever part gave up on the event.
   */
  public static final String EVENT_ID = PREFIX + "event.id";

  /**
   * Relay: the size in bytes of a value that was left out because the broker refused the record for its
   * size (it would be refused again). The event itself stays in the outbox table or the WAL.
   */
  public static final String VALUE_SIZE = PREFIX + "value.size";

  /** Consumers: the consumer that gave up: the inbox consumer name (runner), the Kafka group id (Spring). */
  public static final String CONSUMER = PREFIX + "consumer";

  /**
   * Inbox runner: how many times the handler ran for the record; 0 when the record had no usable dedup key.
   */
  public static final String ATTEMPTS = PREFIX + "attempts";

  /** Inbox runner: the dedup key, when one could be taken from the record. */
  public static final String MESSAGE_ID = PREFIX + "message.id";

  private DeadLetterHeaders() {
  }
}
