package io.outboxkit.inbox.kafka;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;

/**
 * Applies the effects of the new messages of one poll, in the one transaction that records their ids (the
 * batch form of {@link InboxHandler}).
 *
 * <p>When a call throws, the whole batch rolls back and the runner processes the same records again one at
 * a time, calling this handler with a list of one message each: the record that fails is then retried and
 * dead-lettered on its own while the others commit. So a handler must give each message the same effect
 * whether it comes alone or in a list. Do not commit, roll back or close the connection. Called from the
 * runner's one polling thread.
 */
@FunctionalInterface
public interface InboxBatchHandler {

  /**
   * @param messages the new messages, in the order of the poll (per partition, in offset order); never empty
   * @param connection the transaction's connection
   */
  void handle(List<InboxMessage> messages, Connection connection) throws SQLException;
}
