package io.outboxkit.writer;

/**
 * How the {@link OutboxWriter} records an event in the caller's transaction. Whatever the mode, the event
 * reaches the write-ahead log only if the transaction commits.
 */
public enum WriteMode {

  /**
   * Insert a row into the outbox table (the default). The row stays there: it can be queried, and the table
   * grows until rows are deleted (the relay never deletes them). Compatible with Debezium's Outbox Event
   * Router on Kafka Connect.
   */
  TABLE,

  /**
   * Insert the row and delete it again in the same transaction. The write-ahead log still carries the
   * insert, which the relay publishes, while the table stays empty: no cleanup is needed, but the events
   * cannot be queried afterwards.
   */
  TABLE_DELETE_AFTER_INSERT,

  /**
   * Write no row: emit a transactional logical message with {@code pg_logical_emit_message(true, prefix,
   * content)}, the content being a {@link io.outboxkit.core.WalMessageEnvelope}. The fastest mode; needs
   * PostgreSQL 14 or later for the relay to read the messages through pgoutput. Events are not queryable,
   * and Debezium's Outbox Event Router on Kafka Connect cannot route them.
   */
  WAL_MESSAGE
}
