package io.outboxkit.spring.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.Mockito.mock;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.outboxkit.core.TableName;
import io.outboxkit.inbox.Inbox;
import io.outboxkit.inbox.InboxBatchEffect;
import io.outboxkit.inbox.InboxEffect;
import io.outboxkit.inbox.InboxEffectException;
import io.outboxkit.inbox.InboxOutcome;
import io.outboxkit.inbox.InvalidMessageException;
import io.outboxkit.inbox.PurgeResult;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.AbstractPlatformTransactionManager;
import org.springframework.transaction.support.DefaultTransactionStatus;

/**
 * What {@link IdempotentListener @IdempotentListener} methods count, without a database or a broker: an inbox
 * in memory and a transaction manager that does nothing, the methods called as the listener container would.
 */
class ListenerMetersTest {

  private final ApplicationContextRunner withoutRegistry = new ApplicationContextRunner()
      .withConfiguration(AutoConfigurations.of(InboxListenerAutoConfiguration.class))
      .withBean(Inbox.class, MemoryInbox::new)
      .withBean(PlatformTransactionManager.class, NoTransactions::new);

  private final ApplicationContextRunner runner = withoutRegistry
      .withBean(MeterRegistry.class, SimpleMeterRegistry::new)
      .withBean(Listeners.Stock.class)
      .withBean(Listeners.Billing.class);

  @Test
  void aRecordListenerCountsEachOutcomeOnce() {
    runner.run(context -> {
      Listeners.Stock stock = context.getBean(Listeners.Stock.class);
      MeterRegistry registry = context.getBean(MeterRegistry.class);

      stock.on(record("e-1", "ok"));
      assertThat(count(registry, "outboxkit.inbox.processed", "stock")).isEqualTo(1);

      stock.on(record("e-1", "ok")); // delivered again
      assertThat(count(registry, "outboxkit.inbox.duplicates", "stock")).isEqualTo(1);
      assertThat(count(registry, "outboxkit.inbox.processed", "stock")).as("unchanged").isEqualTo(1);

      assertThatThrownBy(() -> stock.on(record("e-2", "fail"))).isInstanceOf(IllegalStateException.class);
      assertThatThrownBy(() -> stock.on(record("e-2", "fail"))).isInstanceOf(IllegalStateException.class);
      assertThat(count(registry, "outboxkit.inbox.failures", "stock")).isEqualTo(2);
      stock.on(record("e-2", "ok")); // the retry that works
      assertThat(count(registry, "outboxkit.inbox.processed", "stock")).isEqualTo(2);

      // refused before any attempt: the error handler dead-letters it, it is no failed attempt
      assertThatThrownBy(() -> stock.on(record(null, "ok"))).isInstanceOf(InvalidMessageException.class);
      assertThat(count(registry, "outboxkit.inbox.failures", "stock")).isEqualTo(2);
      assertThat(count(registry, "outboxkit.inbox.dead.letters", "stock")).isZero();
    });
  }

  @Test
  void aBatchListenerCountsRecordByRecord() {
    runner.run(context -> {
      Listeners.Billing billing = context.getBean(Listeners.Billing.class);
      MeterRegistry registry = context.getBean(MeterRegistry.class);

      billing.on(List.of(record("b-1", "ok"), record("b-1", "ok"), record("b-2", "ok")));
      assertThat(count(registry, "outboxkit.inbox.processed", "billing")).isEqualTo(2);
      assertThat(count(registry, "outboxkit.inbox.duplicates", "billing")).isEqualTo(1);

      // the batch fails and is rolled back; one by one, b-3 is applied, b-4 fails and ends the call
      assertThatThrownBy(() -> billing.on(List.of(record("b-3", "ok"), record("b-4", "fail"), record("b-5", "ok"))))
          .hasRootCauseMessage("cannot handle b-4");
      assertThat(count(registry, "outboxkit.inbox.processed", "billing")).isEqualTo(3);
      assertThat(count(registry, "outboxkit.inbox.failures", "billing")).isEqualTo(1);
      assertThat(count(registry, "outboxkit.inbox.duplicates", "billing")).isEqualTo(1);
    });
  }

  @Test
  void withoutMicrometerOrARegistryNothingIsCounted() {
    // without a registry bean the meters record nothing, and the listeners work as before
    withoutRegistry.withBean(Listeners.Stock.class).run(context -> {
      assertThat(context).hasNotFailed().hasSingleBean(ListenerMeters.class);
      context.getBean(Listeners.Stock.class).on(record("e-1", "ok"));
      assertThat(context.getBean(Listeners.Stock.class).applied()).containsExactly("e-1");
    });
    // without Micrometer (the listener beans left out: their proxies cannot be made in a filtered class loader)
    withoutRegistry.withClassLoader(new FilteredClassLoader(MeterRegistry.class))
        .run(context -> assertThat(context).hasNotFailed().hasSingleBean(IdempotentListenerAdvisor.class)
            .doesNotHaveBean(ListenerMeters.class));
  }

  private static double count(MeterRegistry registry, String name, String consumer) {
    return registry.get(name).tag("consumer", consumer).counter().count();
  }

  private static ConsumerRecord<String, String> record(String id, String value) {
    ConsumerRecord<String, String> record = new ConsumerRecord<>("orders", 0, 0, id, value);
    if (id != null) {
      record.headers().add("id", id.getBytes(StandardCharsets.UTF_8));
    }
    return record;
  }

  /** Listener beans, called directly as the container would call them. */
  static final class Listeners {

    static class Stock {
      private final List<String> applied = new ArrayList<>();

      public List<String> applied() {
        return applied;
      }

      @IdempotentListener(consumer = "stock")
      public void on(ConsumerRecord<String, String> record) {
        if ("fail".equals(record.value())) {
          throw new IllegalStateException("cannot handle " + record.key());
        }
        applied.add(record.key());
      }
    }

    static class Billing {
      @IdempotentListener(consumer = "billing")
      public void on(List<ConsumerRecord<String, String>> records) {
        for (ConsumerRecord<String, String> record : records) {
          if ("fail".equals(record.value())) {
            throw new IllegalStateException("cannot handle " + record.key());
          }
        }
      }
    }
  }

  /** Ids in memory, recorded only when the effect returns, as a committed transaction would. */
  static final class MemoryInbox implements Inbox {

    private final Set<String> recorded = ConcurrentHashMap.newKeySet();

    @Override
    public InboxOutcome process(String consumer, String messageId, InboxEffect effect) {
      if (recorded.contains(consumer + "/" + messageId)) {
        return InboxOutcome.DUPLICATE;
      }
      try {
        effect.apply(mock(Connection.class));
      } catch (SQLException e) {
        throw new InboxEffectException("effect failed", e);
      }
      recorded.add(consumer + "/" + messageId);
      return InboxOutcome.PROCESSED;
    }

    @Override
    public <T> List<InboxOutcome> processBatch(String consumer, List<T> items,
        Function<? super T, String> messageIdOf, InboxBatchEffect<T> effect) {
      List<InboxOutcome> outcomes = new ArrayList<>();
      List<T> fresh = new ArrayList<>();
      Set<String> ids = new java.util.LinkedHashSet<>();
      for (T item : items) {
        String id = consumer + "/" + messageIdOf.apply(item);
        boolean isNew = !recorded.contains(id) && ids.add(id);
        outcomes.add(isNew ? InboxOutcome.PROCESSED : InboxOutcome.DUPLICATE);
        if (isNew) {
          fresh.add(item);
        }
      }
      try {
        effect.apply(fresh, mock(Connection.class));
      } catch (SQLException e) {
        throw new InboxEffectException("effect failed", e);
      }
      recorded.addAll(ids);
      return outcomes;
    }

    @Override
    public PurgeResult purge(Duration maxAge, int batchSize) {
      throw new UnsupportedOperationException();
    }

    @Override
    public TableName table() {
      return TableName.of("schema", "public", "table", "inbox_message");
    }
  }

  /** Begins and commits nothing; enough for the advice, which only needs a transaction around the inbox. */
  static final class NoTransactions extends AbstractPlatformTransactionManager {

    @Override
    protected Object doGetTransaction() {
      return new Object();
    }

    @Override
    protected void doBegin(Object transaction, TransactionDefinition definition) {
    }

    @Override
    protected void doCommit(DefaultTransactionStatus status) {
    }

    @Override
    protected void doRollback(DefaultTransactionStatus status) {
    }
  }
}
