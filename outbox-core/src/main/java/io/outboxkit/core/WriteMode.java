package io.outboxkit.core;

/**
 * How an event is recorded in the caller's transaction, and so what the relay reads: the writer writes in
 * this mode and the relay must be configured with the same one. Whatever the mode, the event reaches the
 * write-ahead log only if the transaction commits.
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
   * content)}, the content being a {@link WalMessageEnvelope}. The fastest mode; needs PostgreSQL 14 or later
   * for the relay to read the messages through pgoutput. Events are not queryable, and Debezium's Outbox
   * Event Router on Kafka Connect cannot route them.
   */
  WAL_MESSAGE;

  /**
   * Whether events are rows of the outbox table ({@link #TABLE}, {@link #TABLE_DELETE_AFTER_INSERT}), which
   * the relay reads as inserts, rather than logical WAL messages.
   */
  public boolean readsTable() {
    return this != WAL_MESSAGE;
  }
}
