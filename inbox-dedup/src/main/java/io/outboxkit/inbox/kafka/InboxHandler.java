package io.outboxkit.inbox.kafka;

import java.sql.Connection;
import java.sql.SQLException;

/**
 * Applies one message's effect, in the transaction that records its id in the inbox. Called only for
 * messages that are new for the runner's consumer name, at most once per successful commit.
 *
 * <p>Do the database work through {@code connection}; do not commit, roll back or close it. Throwing rolls
 * back the effect and the id together; the runner then retries the record with backoff and, after the
 * configured attempts, sends it to the dead-letter topic. Throw
 * {@link io.outboxkit.inbox.InvalidMessageException} for a message that can never succeed, to skip the
 * retries. Called from the runner's one polling thread.
 */
@FunctionalInterface
public interface InboxHandler {

  void handle(InboxMessage message, Connection connection) throws SQLException;
}
