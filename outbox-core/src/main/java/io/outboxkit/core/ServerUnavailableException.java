package io.outboxkit.core;

import org.jspecify.annotations.Nullable;

/**
 * A server OutboxKit needs could not be used for now: PostgreSQL or a Kafka broker could not be reached,
 * refused new connections (too many, shutting down, starting up), or the connection broke during the call.
 * The message names the server and what was being done. Nothing about the call's input is wrong: the same
 * call can succeed once the server is back.
 *
 * <ul>
 *   <li>The writer: nothing of the call was written and the caller's transaction cannot commit; run the
 *       business transaction again later.
 *   <li>The inbox: nothing of the call is known to have committed unless the commit itself was interrupted;
 *       either way calling again with the same message id is safe, because the inbox recognizes a message
 *       that did commit. {@code InboxKafkaRunner} retries such failures without counting them against a
 *       record's attempts, so an outage sends no healthy record to the dead-letter topic.
 *   <li>The relay: {@code start()} refused to start; start it again later (or let a process supervisor
 *       restart the relay process). A relay that is already running rides out outages by itself and reports
 *       them in its status instead of throwing.
 * </ul>
 */
public class ServerUnavailableException extends OutboxException {

  private static final long serialVersionUID = 1L;

  public ServerUnavailableException(String message, @Nullable Throwable cause) {
    super(message, cause);
  }
}
