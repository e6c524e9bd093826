package io.outboxkit.inbox;

import io.outboxkit.core.OutboxException;
import org.jspecify.annotations.Nullable;

/**
 * The inbox's database could not be reached, or lost the connection, while a message was processed. Nothing
 * of that call is known to have committed unless the commit itself was interrupted; in every case calling
 * again with the same message id is safe, because the inbox recognizes a message that did commit.
 *
 * <p>{@link io.outboxkit.inbox.kafka.InboxKafkaRunner} retries such failures without counting them against
 * a record's attempts, so an outage does not send healthy records to the dead-letter topic.
 */
public class InboxUnavailableException extends OutboxException {

  private static final long serialVersionUID = 1L;

  public InboxUnavailableException(String message, @Nullable Throwable cause) {
    super(message, cause);
  }
}
