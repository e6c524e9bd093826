package io.outboxkit.relay;

/**
 * Headers the relay adds to a record it sends to the dead-letter topic, besides the event's own headers
 * ({@code id}, {@code eventType}, ...). Values are UTF-8 strings.
 *
 * <p>The dead-letter record keeps the event's key and value, except when the broker rejected the record for
 * its size: then the value is left out (it would be rejected again) and {@link #VALUE_SIZE} tells how large
 * it was. The event itself stays in the outbox table (or the WAL) for whoever repairs it.
 */
public final class DeadLetterHeaders {

  /** Why the event could not be published: the exception's class and message. */
  public static final String REASON = "outboxkit.dlq.reason";

  /** The topic the event was meant for. */
  public static final String TOPIC = "outboxkit.dlq.topic";

  /** The event id (the same as the {@code id} header when the event could be read). */
  public static final String EVENT_ID = "outboxkit.dlq.event.id";

  /** The size in bytes of a value that was left out because it was too large. */
  public static final String VALUE_SIZE = "outboxkit.dlq.value.size";

  private DeadLetterHeaders() {
  }
}
