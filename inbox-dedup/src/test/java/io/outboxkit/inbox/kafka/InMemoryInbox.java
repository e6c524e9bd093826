package io.outboxkit.inbox.kafka;

import io.outboxkit.core.TableName;
import io.outboxkit.inbox.Inbox;
import io.outboxkit.inbox.InboxBatchEffect;
import io.outboxkit.inbox.InboxEffect;
import io.outboxkit.inbox.InboxEffectException;
import io.outboxkit.inbox.InboxOutcome;
import io.outboxkit.inbox.InvalidMessageException;
import io.outboxkit.inbox.PurgeResult;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;

/**
 * An inbox in memory, for tests of the poll loop where the database is not what is tested: ids recorded per
 * consumer, all or nothing per call. Effects get a connection that refuses every use. Calls can be made to
 * fail before any work, as an unreachable database does.
 */
final class InMemoryInbox implements Inbox {

  private static final Connection NO_DATABASE = (Connection) Proxy.newProxyInstance(
      InMemoryInbox.class.getClassLoader(), new Class<?>[] {Connection.class}, (proxy, method, args) -> {
        throw new UnsupportedOperationException("the in-memory inbox has no database");
      });

  private final Set<String> recorded = new HashSet<>();
  private final Deque<RuntimeException> failures = new ArrayDeque<>();

  /** The next call fails with {@code failure}, nothing recorded. */
  synchronized void failNextCall(RuntimeException failure) {
    failures.add(failure);
  }

  synchronized boolean contains(String consumer, String messageId) {
    return recorded.contains(consumer + "\u0000" + messageId);
  }

  @Override
  public synchronized InboxOutcome process(String consumer, String messageId, InboxEffect effect) {
    failIfAsked();
    String key = consumer + "\u0000" + messageId;
    if (recorded.contains(key)) {
      return InboxOutcome.DUPLICATE;
    }
    try {
      effect.apply(NO_DATABASE);
    } catch (SQLException e) {
      throw new InboxEffectException("the effect of message id '" + messageId + "' failed", e);
    }
    recorded.add(key);
    return InboxOutcome.PROCESSED;
  }

  @Override
  public synchronized <T> List<InboxOutcome> processBatch(String consumer, List<T> items,
      Function<? super T, String> messageIdOf, InboxBatchEffect<T> effect) {
    failIfAsked();
    List<InboxOutcome> outcomes = new ArrayList<>();
    List<T> fresh = new ArrayList<>();
    Set<String> keys = new HashSet<>();
    for (T item : items) {
      String id = messageIdOf.apply(item);
      if (id == null || id.isEmpty()) {
        throw new InvalidMessageException("an item of the batch has no message id");
      }
      String key = consumer + "\u0000" + id;
      if (recorded.contains(key) || !keys.add(key)) {
        outcomes.add(InboxOutcome.DUPLICATE);
      } else {
        outcomes.add(InboxOutcome.PROCESSED);
        fresh.add(item);
      }
    }
    if (!fresh.isEmpty()) {
      try {
        effect.apply(List.copyOf(fresh), NO_DATABASE);
      } catch (SQLException e) {
        throw new InboxEffectException("the effects of a batch failed", e);
      }
    }
    recorded.addAll(keys);
    return outcomes;
  }

  @Override
  public PurgeResult purge(Duration maxAge, int batchSize) {
    throw new UnsupportedOperationException("the in-memory inbox keeps every id");
  }

  @Override
  public TableName table() {
    return TableName.of("inbox schema", TableName.DEFAULT_SCHEMA, "inbox table", TableName.DEFAULT_INBOX_TABLE);
  }

  private void failIfAsked() {
    RuntimeException failure = failures.poll();
    if (failure != null) {
      throw failure;
    }
  }
}
