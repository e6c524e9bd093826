package io.outboxkit.spring.kafka;

import io.outboxkit.inbox.Inbox;
import io.outboxkit.inbox.InboxOutcome;
import io.outboxkit.inbox.InvalidMessageException;
import io.outboxkit.inbox.kafka.MessageIdExtractor;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.aop.ProxyMethodInvocation;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.kafka.listener.BatchListenerFailedException;

/**
 * Calls a batch listener through the inbox. The ids of all the batch's records are recorded with one
 * statement and the method called once with the new records, in one transaction. When that fails, the
 * records are applied one by one, each in its own transaction, and the first that fails is reported to the
 * container's error handler as a {@link BatchListenerFailedException}: the records before it are applied
 * (their offsets may be committed), and it and the records after it are delivered again. A record without a
 * usable message id is reported the same way, once the records before it are applied.
 *
 * <p>In a transaction of the caller's (one the listener container started), the batch is applied in a
 * savepoint and fails whole, with nothing applied, when a record fails or has no message id: a failure
 * reported to the error handler rolls the caller's transaction back, so no record may stay applied in it
 * while the error handler commits its offset.
 *
 * <p>Thread-safe.
 */
final class BatchListenerInvoker {

  private static final Logger log = LoggerFactory.getLogger(IdempotentListener.class);

  private final ListenerTransactions transactions;
  private final ObjectProvider<Inbox> inbox;
  private final Supplier<MessageIdExtractor> defaultExtractor;
  private final Supplier<ListenerMeters> meters;
  private final Set<String> warnedJoined = ConcurrentHashMap.newKeySet();

  BatchListenerInvoker(ListenerTransactions transactions, ObjectProvider<Inbox> inbox,
      Supplier<MessageIdExtractor> defaultExtractor, Supplier<ListenerMeters> meters) {
    this.transactions = transactions;
    this.inbox = inbox;
    this.defaultExtractor = defaultExtractor;
    this.meters = meters;
  }

  /**
   * Calls the method with the batch's new records.
   *
   * @param records the listener's list argument
   * @return what the method returned, last; null when it was not called
   */
  @Nullable Object invokeBatch(ProxyMethodInvocation invocation, ListenerSignature listener, String consumer,
      List<?> records) throws Throwable {
    Map<Object, String> ids = new IdentityHashMap<>();
    List<ConsumerRecord<?, ?>> usable = new ArrayList<>(records.size());
    InvalidMessageException invalid = null;
    ConsumerRecord<?, ?> invalidRecord = null;
    for (Object item : records) {
      if (!(item instanceof ConsumerRecord<?, ?> record)) {
        throw new InvalidMessageException(listener.description() + " was called with a " + item.getClass().getName()
            + " in its list of records");
      }
      try {
        ids.put(record, listener.messageId(record, defaultExtractor));
      } catch (InvalidMessageException e) {
        invalid = e;
        invalidRecord = record;
        break;
      }
      usable.add(record);
    }
    Object result = applyBatch(invocation, listener, consumer, usable, ids, invalid);
    if (invalid != null) {
      throw new BatchListenerFailedException(invalid.getMessage(), invalid, invalidRecord);
    }
    return result;
  }

  /**
   * Applies the usable records (those before the first without a message id, {@code invalid}) in one
   * transaction. When that transaction is the caller's, the batch fails whole, before any work, if one of its
   * records has no message id: the caller's transaction rolls back when the failure is reported, so records
   * applied in it and acknowledged by the error handler would be lost.
   */
  private @Nullable Object applyBatch(ProxyMethodInvocation invocation, ListenerSignature listener, String consumer,
      List<ConsumerRecord<?, ?>> records, Map<Object, String> ids, @Nullable InvalidMessageException invalid)
      throws Throwable {
    Object[] result = new Object[1];
    boolean[] joined = new boolean[1];
    try {
      List<InboxOutcome> outcomes = transactions.template().execute(status -> {
        joined[0] = !status.isNewTransaction();
        if (joined[0]) {
          warnJoined(listener);
          if (invalid != null) {
            throw invalid;
          }
        }
        return records.isEmpty() ? List.<InboxOutcome>of() : inbox.getObject().processBatch(consumer, records,
            ids::get, (newRecords, connection) -> result[0] = call(invocation, listener, newRecords));
      });
      meters.get().outcomes(consumer, outcomes);
      long duplicates = outcomes.stream().filter(outcome -> outcome == InboxOutcome.DUPLICATE).count();
      if (duplicates > 0) {
        log.info("skipped {} duplicate message id(s) of {} record(s) for consumer {} ({} ...)", duplicates,
            records.size(), consumer, KafkaRecords.where(records.get(0)));
      }
      return result[0];
    } catch (RuntimeException | Error batchFailure) {
      if (joined[0]) {
        // the caller's transaction rolls back when the failure is reported: records applied one by one inside
        // it would not stay applied while the error handler commits their offsets, so the whole batch fails
        meters.get().failures(consumer, records.size());
        throw CheckedFailure.unwrap(batchFailure);
      }
      log.debug("batch of {} record(s) for consumer {} failed; applying them one by one", records.size(),
          consumer, batchFailure);
    }
    for (ConsumerRecord<?, ?> record : records) {
      try {
        InboxOutcome outcome = transactions.template().execute(status -> inbox.getObject().process(consumer,
            ids.get(record), connection -> result[0] = call(invocation, listener, List.of(record))));
        meters.get().outcome(consumer, outcome);
        if (outcome == InboxOutcome.DUPLICATE) {
          log.info("skipped duplicate message id {} for consumer {} ({})", ids.get(record), consumer,
              KafkaRecords.where(record));
        }
      } catch (RuntimeException | Error e) {
        meters.get().failures(consumer, 1);
        Throwable cause = CheckedFailure.unwrap(e);
        if (cause instanceof BatchListenerFailedException own && own.getCause() != null) {
          cause = own.getCause();
        }
        throw new BatchListenerFailedException(String.valueOf(cause.getMessage()), cause, record);
      }
    }
    return result[0];
  }

  private void warnJoined(ListenerSignature listener) {
    if (warnedJoined.add(listener.description())) {
      log.warn("@IdempotentListener on {} runs inside a transaction started before it (the listener container's "
          + "transactionManager, or a transaction around the call): the inbox works inside it (in a savepoint where "
          + "the transaction manager allows one), and a "
          + "batch with a record that fails or has no message id fails whole: the error handler retries it, then "
          + "dead-letters all its records. To have only the failing record dead-lettered, let the inbox start the "
          + "transaction (remove the container's transactionManager)", listener.description());
    }
  }

  /** Calls the method (and the advice after this one) with {@code records} in place of its list. */
  private @Nullable Object call(ProxyMethodInvocation invocation, ListenerSignature listener, List<?> records) {
    Object[] arguments = invocation.getArguments().clone();
    arguments[listener.recordIndex()] = new ArrayList<>(records);
    try {
      return invocation.invocableClone(arguments).proceed();
    } catch (RuntimeException | Error e) {
      throw e;
    } catch (Throwable e) {
      throw new CheckedFailure(e);
    }
  }
}
