package io.outboxkit.inbox;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;

/**
 * The effects of the new messages of a batch, applied in one transaction through the given connection.
 * The same rules as for {@link InboxEffect} apply: use the connection, do not commit, roll back or close it;
 * throwing rolls back the whole batch, message ids included.
 *
 * @param <T> the type of the batch's items
 */
@FunctionalInterface
public interface InboxBatchEffect<T> {

  /**
   * Applies the effects of the messages whose ids were new.
   *
   * @param newItems the items whose ids were recorded by this batch, in the order they were given; never
   *     empty (the effect is not called when every item was a duplicate)
   * @param connection the connection of the transaction that records the message ids
   * @throws SQLException to abort; the caller receives it wrapped in {@link InboxEffectException}
   */
  void apply(List<T> newItems, Connection connection) throws SQLException;
}
