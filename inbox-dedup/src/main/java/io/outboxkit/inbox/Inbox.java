package io.outboxkit.inbox;

import io.outboxkit.core.OutboxConfigurationException;
import io.outboxkit.core.TableName;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;
import javax.sql.DataSource;

/**
 * Applies each message's effect exactly once per consumer: in ONE database transaction it records the pair
 * (consumer, message id) with {@code INSERT ... ON CONFLICT DO NOTHING} and, only if that pair was new, runs
 * the caller's effect. A redelivered message finds its pair already committed and its effect is skipped.
 *
 * <p><b>Transactions.</b> When spring-jdbc is on the class path and a Spring-managed transaction is active
 * for the inbox's {@code DataSource} (for example inside a {@code @Transactional} method using a
 * {@code DataSourceTransactionManager} or {@code JdbcTransactionManager}), a call joins it: the message id and
 * the effect commit or roll back with the caller's transaction, and a failing effect marks that transaction
 * rollback-only (wrap the call in a {@code PROPAGATION_NESTED} transaction to roll back only the message
 * and carry on). Otherwise each call opens its own transaction on a connection taken from the
 * {@code DataSource} and commits it before returning.
 *
 * <p><b>Consumers.</b> The consumer name scopes the ids: the same message may be processed once by each
 * consumer (each service or handler that reacts to it). Keep a consumer's name stable: a new name processes
 * every message again.
 *
 * <p>The table is created by {@link InboxSchema} or by the shipped migration script. Implementations are
 * thread-safe; one instance per table serves the whole application.
 */
public interface Inbox {

  /** The longest consumer name accepted, in characters (the column's length). */
  int MAX_CONSUMER_LENGTH = 255;

  /** The longest message id accepted, in characters (the column's length). */
  int MAX_MESSAGE_ID_LENGTH = 1024;

  /**
   * Records the message and applies its effect if it is new for this consumer, in one transaction.
   *
   * @param consumer the consuming handler or group, 1 to {@value #MAX_CONSUMER_LENGTH} characters
   * @param messageId the message's business id, 1 to {@value #MAX_MESSAGE_ID_LENGTH} characters
   * @param effect the effect, run only when the id is new
   * @return {@link InboxOutcome#PROCESSED} when the effect ran and committed (or, in a joined transaction,
   *     will commit with it), {@link InboxOutcome#DUPLICATE} when the id was already recorded
   * @throws InvalidMessageException if the message id is empty or too long
   * @throws io.outboxkit.core.ServerUnavailableException if the database could not be reached or the connection broke
   * @throws InboxEffectException if the effect threw a {@code SQLException}; unchecked exceptions of the
   *     effect propagate as they are. In every failure case nothing of the call committed, except when the
   *     connection broke during the commit itself: calling again is always safe.
   */
  InboxOutcome process(String consumer, String messageId, InboxEffect effect);

  /**
   * Records a whole batch of messages with one statement ({@code INSERT ... ON CONFLICT DO NOTHING
   * RETURNING message_id}) and applies the effects of the new ones, all in one transaction.
   *
   * <p>All or nothing: when the effect (or anything else) fails, the transaction is rolled back and no
   * message id and no effect of the batch commits. To isolate a failing item, process the items one by one
   * with {@link #process} afterwards, in their order: ids that did commit are recognized as duplicates, so
   * no effect applies twice. {@link io.outboxkit.inbox.kafka.InboxKafkaRunner} does exactly that. No
   * savepoints are used: a savepoint per item would cost two more round trips per item, and more than 64
   * subtransactions in one transaction slow down every other session's visibility checks in PostgreSQL.
   *
   * <p>When the same id appears more than once in the batch, the first occurrence is processed and the
   * others are duplicates.
   *
   * @param consumer the consuming handler or group
   * @param items the batch, in processing order; an empty list returns an empty list without touching the
   *     database
   * @param messageIdOf gives each item's message id
   * @param effect receives the new items, in order; not called when none is new
   * @return one outcome per item, in the order of {@code items}
   * @throws InvalidMessageException if an item's message id is null, empty or too long (before any database
   *     work)
   * @throws io.outboxkit.core.ServerUnavailableException if the database could not be reached or the connection broke
   * @throws InboxEffectException if the effect threw a {@code SQLException}; unchecked exceptions of the
   *     effect propagate as they are
   */
  <T> List<InboxOutcome> processBatch(String consumer, List<T> items, Function<? super T, String> messageIdOf,
      InboxBatchEffect<T> effect);

  /**
   * Deletes rows received longer than {@code maxAge} ago (by the database's clock), {@code batchSize} rows
   * per statement, each statement its own transaction, until fewer than {@code batchSize} remain.
   * {@link InboxRetention} runs this on a schedule.
   *
   * <p>A deleted id is forgotten: a message redelivered after its row was deleted is processed again. Keep
   * {@code maxAge} longer than the longest time a message can be delivered again: the topic's retention plus
   * the longest time a consumer may be stopped or lagging, plus a margin.
   *
   * @param maxAge rows older than this are deleted; must be positive
   * @param batchSize rows per statement; must be positive
   * @throws io.outboxkit.core.ServerUnavailableException if the database could not be reached
   */
  PurgeResult purge(Duration maxAge, int batchSize);

  /** The inbox table. */
  TableName table();

  /**
   * Starts a builder.
   *
   * @param dataSource the database holding the inbox table; for effects, the same database as theirs
   */
  static Builder builder(DataSource dataSource) {
    return new Builder(dataSource);
  }

  /**
   * Builds an {@link Inbox}. Settings are validated when set; {@link #build()} gives an immutable,
   * thread-safe inbox. Not thread-safe itself.
   */
  final class Builder {

    private final DataSource dataSource;
    private String schema = TableName.DEFAULT_SCHEMA;
    private String table = TableName.DEFAULT_INBOX_TABLE;
    private boolean joinSpringTransactions = true;

    private Builder(DataSource dataSource) {
      if (dataSource == null) {
        throw new OutboxConfigurationException("Inbox.builder(dataSource) needs a DataSource, got null");
      }
      this.dataSource = dataSource;
    }

    /**
     * The schema of the inbox table. Default {@value TableName#DEFAULT_SCHEMA}.
     *
     * @throws OutboxConfigurationException if it is not a valid identifier
     */
    public Builder schema(String schema) {
      TableName.of("inbox schema", schema, "inbox table", table);
      this.schema = schema;
      return this;
    }

    /**
     * The inbox table's name. Default {@value TableName#DEFAULT_INBOX_TABLE}.
     *
     * @throws OutboxConfigurationException if it is not a valid identifier
     */
    public Builder table(String table) {
      TableName.of("inbox schema", schema, "inbox table", table);
      this.table = table;
      return this;
    }

    /** Schema and table at once. */
    public Builder table(TableName table) {
      Objects.requireNonNull(table, "table");
      this.schema = table.schema().name();
      this.table = table.table().name();
      return this;
    }

    /**
     * Whether calls join an active Spring-managed transaction on the same {@code DataSource}. Default
     * {@code true}; has no effect when spring-jdbc is not on the class path. With {@code false} every call
     * opens its own transaction, even inside a Spring transaction.
     */
    public Builder joinSpringTransactions(boolean join) {
      this.joinSpringTransactions = join;
      return this;
    }

    /** Builds the inbox. Does not touch the database. */
    public Inbox build() {
      TableName name = TableName.of("inbox schema", schema, "inbox table", table);
      TransactionJoiner joiner = joinSpringTransactions ? TransactionJoiner.springIfPresent() : null;
      return new JdbcInbox(dataSource, name, joiner);
    }
  }
}
