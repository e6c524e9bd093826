package io.outboxkit.inbox;

import io.outboxkit.core.OutboxConfigurationException;
import io.outboxkit.core.OutboxException;
import io.outboxkit.core.ServerUnavailableException;
import io.outboxkit.core.TableName;
import io.outboxkit.core.internal.DatabaseFailures;
import io.outboxkit.core.internal.JdbcTransactions;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;

/** The inbox on a PostgreSQL table, through plain JDBC. */
final class JdbcInbox implements Inbox {

  private final DataSource dataSource;
  private final TableName table;
  private final @Nullable TransactionJoiner joiner;
  private final String insertOne;
  private final String insertMany;
  private final String cutoff;
  private final String deleteBatch;

  JdbcInbox(DataSource dataSource, TableName table, @Nullable TransactionJoiner joiner) {
    this.dataSource = dataSource;
    this.table = table;
    this.joiner = joiner;
    String t = table.qualified();
    this.insertOne = "INSERT INTO " + t + " (consumer, message_id) VALUES (?, ?) ON CONFLICT DO NOTHING";
    this.insertMany = "INSERT INTO " + t + " (consumer, message_id) SELECT ?, m FROM unnest(?::varchar[]) AS m"
        + " ON CONFLICT DO NOTHING RETURNING message_id";
    this.cutoff = "SELECT now() - make_interval(secs => ?)";
    // ctid = ANY(ARRAY(...)) runs as a TID scan; "ctid IN (SELECT ...)" may scan the whole table instead.
    this.deleteBatch = "DELETE FROM " + t + " WHERE ctid = ANY(ARRAY(SELECT ctid FROM " + t
        + " WHERE received_at < ? LIMIT ?))";
  }

  @Override
  public TableName table() {
    return table;
  }

  @Override
  public InboxOutcome process(String consumer, String messageId, InboxEffect effect) {
    checkConsumer(consumer);
    checkMessageId(messageId);
    Objects.requireNonNull(effect, "effect");
    TransactionJoiner.JoinedTransaction joined = join(consumer, messageId);
    if (joined != null) {
      try {
        return insertAndApply(joined.connection(), consumer, messageId, effect);
      } catch (RuntimeException | Error e) {
        joined.markRollbackOnly();
        throw e;
      } finally {
        joined.release();
      }
    }
    return inOwnTransaction(consumer, messageId,
        connection -> insertAndApply(connection, consumer, messageId, effect));
  }

  private InboxOutcome insertAndApply(Connection connection, String consumer, String messageId,
      InboxEffect effect) {
    int inserted;
    try (PreparedStatement insert = connection.prepareStatement(insertOne)) {
      insert.setString(1, consumer);
      insert.setString(2, messageId);
      inserted = insert.executeUpdate();
    } catch (SQLException e) {
      throw databaseFailure("recording message id '" + messageId + "' for consumer '" + consumer + "' in "
          + table, e);
    }
    if (inserted == 0) {
      return InboxOutcome.DUPLICATE;
    }
    try {
      effect.apply(connection);
    } catch (SQLException e) {
      throw effectFailure("the effect of message id '" + messageId + "' for consumer '" + consumer + "'", e);
    } catch (RuntimeException e) {
      throw unavailableOr(e, "the effect of message id '" + messageId + "' for consumer '" + consumer + "'");
    }
    return InboxOutcome.PROCESSED;
  }

  @Override
  public <T> List<InboxOutcome> processBatch(String consumer, List<T> items,
      Function<? super T, String> messageIdOf, InboxBatchEffect<T> effect) {
    checkConsumer(consumer);
    Objects.requireNonNull(items, "items");
    Objects.requireNonNull(messageIdOf, "messageIdOf");
    Objects.requireNonNull(effect, "effect");
    if (items.isEmpty()) {
      return List.of();
    }
    String[] ids = new String[items.size()];
    Set<String> distinct = new LinkedHashSet<>();
    for (int i = 0; i < ids.length; i++) {
      String id = messageIdOf.apply(items.get(i));
      if (id == null) {
        throw new InvalidMessageException("item " + i + " of the batch for consumer '" + consumer
            + "' has no message id");
      }
      checkMessageId(id);
      ids[i] = id;
      distinct.add(id);
    }
    Integer what = ids.length;
    TransactionJoiner.JoinedTransaction joined = join(consumer, what);
    if (joined != null) {
      try {
        return insertAndApplyBatch(joined.connection(), consumer, items, ids, distinct, effect, what);
      } catch (RuntimeException | Error e) {
        joined.markRollbackOnly();
        throw e;
      } finally {
        joined.release();
      }
    }
    return inOwnTransaction(consumer, what,
        connection -> insertAndApplyBatch(connection, consumer, items, ids, distinct, effect, what));
  }

  private <T> List<InboxOutcome> insertAndApplyBatch(Connection connection, String consumer, List<T> items,
      String[] ids, Set<String> distinct, InboxBatchEffect<T> effect, Integer what) {
    Set<String> recorded = new HashSet<>();
    try (PreparedStatement insert = connection.prepareStatement(insertMany)) {
      Array array = connection.createArrayOf("varchar", distinct.toArray(new String[0]));
      insert.setString(1, consumer);
      insert.setArray(2, array);
      try (ResultSet rows = insert.executeQuery()) {
        while (rows.next()) {
          recorded.add(rows.getString(1));
        }
      }
      array.free();
    } catch (SQLException e) {
      throw databaseFailure("recording " + describe(what) + " for consumer '" + consumer + "' in " + table, e);
    }
    List<InboxOutcome> outcomes = new ArrayList<>(ids.length);
    List<T> fresh = new ArrayList<>(recorded.size());
    for (int i = 0; i < ids.length; i++) {
      // remove: a second occurrence of the same id in this batch is a duplicate of the first
      if (recorded.remove(ids[i])) {
        fresh.add(items.get(i));
        outcomes.add(InboxOutcome.PROCESSED);
      } else {
        outcomes.add(InboxOutcome.DUPLICATE);
      }
    }
    if (!fresh.isEmpty()) {
      try {
        effect.apply(List.copyOf(fresh), connection);
      } catch (SQLException e) {
        throw effectFailure("the effects of " + describe(what) + " for consumer '" + consumer + "'", e);
      } catch (RuntimeException e) {
        throw unavailableOr(e, "the effects of " + describe(what) + " for consumer '" + consumer + "'");
      }
    }
    return outcomes;
  }

  @Override
  public PurgeResult purge(Duration maxAge, int batchSize) {
    if (maxAge == null || maxAge.isNegative() || maxAge.isZero()) {
      throw new OutboxConfigurationException("the inbox retention age is " + maxAge
          + ": set a positive duration, longer than the topic's retention plus the longest consumer lag");
    }
    if (batchSize <= 0) {
      throw new OutboxConfigurationException("the inbox retention batch size is " + batchSize
          + ": set a positive number of rows per delete");
    }
    String what = "deleting inbox rows older than " + maxAge + " from " + table;
    Connection connection;
    try {
      connection = dataSource.getConnection();
    } catch (SQLException e) {
      throw new ServerUnavailableException("could not get a connection for " + what + ": " + e.getMessage(), e);
    }
    boolean restoreManualCommit = false;
    try {
      if (!connection.getAutoCommit()) {
        connection.setAutoCommit(true); // each batch its own short transaction
        restoreManualCommit = true;
      }
      Timestamp before;
      try (PreparedStatement select = connection.prepareStatement(cutoff)) {
        select.setDouble(1, maxAge.toMillis() / 1000.0);
        try (ResultSet rs = select.executeQuery()) {
          rs.next();
          before = rs.getTimestamp(1);
        }
      }
      long deleted = 0;
      int batches = 0;
      try (PreparedStatement delete = connection.prepareStatement(deleteBatch)) {
        int n;
        do {
          delete.setTimestamp(1, before);
          delete.setInt(2, batchSize);
          n = delete.executeUpdate();
          deleted += n;
          batches++;
        } while (n >= batchSize);
      }
      return new PurgeResult(deleted, batches, Instant.ofEpochMilli(before.getTime()));
    } catch (SQLException e) {
      throw databaseFailure(what, e);
    } finally {
      if (restoreManualCommit) {
        try {
          connection.setAutoCommit(false);
        } catch (SQLException ignored) {
          // the connection is broken; closing it below discards it
        }
      }
      close(connection);
    }
  }

  private TransactionJoiner.@Nullable JoinedTransaction join(String consumer, Object what) {
    if (joiner == null) {
      return null;
    }
    try {
      return joiner.join(dataSource);
    } catch (RuntimeException e) {
      throw new ServerUnavailableException("could not get the transaction's connection for " + describe(what)
          + " of consumer '" + consumer + "': " + e.getMessage(), e);
    }
  }

  private Connection open(String consumer, Object what) {
    try {
      return dataSource.getConnection();
    } catch (SQLException e) {
      throw new ServerUnavailableException("could not get a database connection for " + describe(what)
          + " of consumer '" + consumer + "': " + e.getMessage(), e);
    }
  }

  /**
   * Runs {@code work} in a transaction of its own on a connection of the DataSource, and closes it. The work
   * reports its failures unchecked; a failure to start or to commit the transaction is the database's.
   */
  private <T> T inOwnTransaction(String consumer, Object what, JdbcTransactions.Work<T> work) {
    Connection connection = open(consumer, what);
    boolean[] worked = new boolean[1];
    try {
      return JdbcTransactions.call(connection, transaction -> {
        T result = work.call(transaction);
        worked[0] = true;
        return result;
      });
    } catch (SQLException e) {
      throw databaseFailure((worked[0] ? "committing " : "starting the transaction for ") + describe(what)
          + " of consumer '" + consumer + "'", e);
    } finally {
      close(connection);
    }
  }

  private static void close(Connection connection) {
    try {
      connection.close();
    } catch (SQLException ignored) {
      // nothing left to do for a connection that cannot be closed
    }
  }

  private OutboxException databaseFailure(String what, SQLException e) {
    if (DatabaseFailures.isUnavailable(e)) {
      return new ServerUnavailableException("the database was unavailable while " + what + ": "
          + e.getMessage(), e);
    }
    return new OutboxException(what + " failed: " + e.getMessage() + " (SQL state " + e.getSQLState() + ")",
        e);
  }

  private static OutboxException effectFailure(String what, SQLException e) {
    if (DatabaseFailures.isUnavailable(e)) {
      return new ServerUnavailableException("the database became unavailable during " + what + ": "
          + e.getMessage(), e);
    }
    return new InboxEffectException(what + " failed: " + e.getMessage() + " (SQL state " + e.getSQLState()
        + ")", e);
  }

  private static RuntimeException unavailableOr(RuntimeException e, String what) {
    if (!(e instanceof ServerUnavailableException) && DatabaseFailures.isUnavailable(e)) {
      return new ServerUnavailableException("the database became unavailable during " + what + ": "
          + e.getMessage(), e);
    }
    return e;
  }

  /** For error messages only, so that the path without failure builds no strings: an id or a batch size. */
  private static String describe(Object what) {
    return what instanceof Integer size ? "a batch of " + size + " messages" : "message id '" + what + "'";
  }

  static void checkConsumer(String consumer) {
    if (consumer == null || consumer.isBlank()) {
      throw new OutboxConfigurationException("the inbox consumer name is empty: name the consuming handler or "
          + "group with a stable name (for example the Kafka group id)");
    }
    if (consumer.length() > MAX_CONSUMER_LENGTH) {
      throw new OutboxConfigurationException("the inbox consumer name '" + consumer.substring(0, 40)
          + "...' has " + consumer.length() + " characters: use at most " + MAX_CONSUMER_LENGTH);
    }
  }

  static void checkMessageId(String messageId) {
    if (messageId == null || messageId.isEmpty()) {
      throw new InvalidMessageException("the message id is empty: every message needs a non-empty dedup key");
    }
    if (messageId.length() > MAX_MESSAGE_ID_LENGTH) {
      throw new InvalidMessageException("the message id has " + messageId.length()
          + " characters, more than the inbox's limit of " + MAX_MESSAGE_ID_LENGTH
          + ": choose a shorter dedup key");
    }
  }
}
