package io.outboxkit.inbox;

import io.outboxkit.core.OutboxException;
import org.jspecify.annotations.Nullable;

/**
 * A message cannot be processed however often it is tried: it has no dedup key, its body is not the JSON
 * that the key extraction needs, or its key is longer than the inbox accepts. A handler may throw it too,
 * to say that a message is malformed. {@link io.outboxkit.inbox.kafka.InboxKafkaRunner} does not retry it:
 * it sends the record to the dead-letter topic (or skips it, as configured). The message names the record
 * and what is wrong, never the payload.
 */
public class InvalidMessageException extends OutboxException {

  private static final long serialVersionUID = 1L;

  public InvalidMessageException(String message) {
    super(message);
  }

  public InvalidMessageException(String message, @Nullable Throwable cause) {
    super(message, cause);
  }
}
