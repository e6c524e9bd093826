package io.outboxkit.inbox;

import static io.outboxkit.inbox.EffectTable.count;
import static io.outboxkit.inbox.EffectTable.inboxRows;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.outboxkit.test.OutboxIntegrationTest;
import io.outboxkit.test.TestDatabase;
import java.sql.Connection;
import java.util.concurrent.atomic.AtomicReference;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.jdbc.datasource.DataSourceUtils;
import org.springframework.jdbc.datasource.TransactionAwareDataSourceProxy;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.UnexpectedRollbackException;
import org.springframework.transaction.support.TransactionTemplate;

/** The inbox inside Spring-managed transactions on the same DataSource. */
@OutboxIntegrationTest
class InboxSpringTransactionIT {

  @Test
  void joinsTheCallersTransactionAndCommitsWithIt(TestDatabase db) throws Exception {
    DataSource ds = db.dataSource();
    EffectTable.install(ds);
    Inbox inbox = Inbox.builder(ds).build();
    TransactionTemplate tx = new TransactionTemplate(new DataSourceTransactionManager(ds));
    AtomicReference<Connection> springConnection = new AtomicReference<>();
    AtomicReference<Connection> effectConnection = new AtomicReference<>();

    InboxOutcome outcome = tx.execute(status -> {
      springConnection.set(DataSourceUtils.getConnection(ds));
      return inbox.process("billing", "evt-1", c -> {
        effectConnection.set(c);
        EffectTable.apply(c, "evt-1", "x");
      });
    });

    assertThat(outcome).isEqualTo(InboxOutcome.PROCESSED);
    assertThat(effectConnection.get()).isSameAs(springConnection.get());
    assertThat(count(ds)).isEqualTo(1);
    assertThat(inboxRows(ds)).isEqualTo(1);
  }

  @Test
  void anInboxBuiltOnATransactionAwareProxyJoinsTheTransactionOfItsTarget(TestDatabase db) throws Exception {
    DataSource ds = db.dataSource();
    EffectTable.install(ds);
    // the application's beans see the proxy; the transaction manager binds the target, as Spring does
    Inbox inbox = Inbox.builder(new TransactionAwareDataSourceProxy(ds)).build();
    TransactionTemplate tx = new TransactionTemplate(new DataSourceTransactionManager(ds));
    AtomicReference<Connection> springConnection = new AtomicReference<>();
    AtomicReference<Connection> effectConnection = new AtomicReference<>();

    assertThatThrownBy(() -> tx.executeWithoutResult(status -> {
      springConnection.set(DataSourceUtils.getConnection(ds));
      inbox.process("billing", "evt-1", c -> {
        effectConnection.set(c);
        EffectTable.apply(c, "evt-1", "x");
      });
      throw new IllegalStateException("later step of the caller failed");
    })).isInstanceOf(IllegalStateException.class);
    assertThat(inboxRows(ds)).as("the message id rolled back with the caller's transaction").isZero();
    assertThat(count(ds)).isZero();
    assertThat(effectConnection.get()).isSameAs(springConnection.get());
  }

  @Test
  void rollbackOfTheCallersTransactionForgetsTheMessage(TestDatabase db) throws Exception {
    DataSource ds = db.dataSource();
    EffectTable.install(ds);
    Inbox inbox = Inbox.builder(ds).build();
    TransactionTemplate tx = new TransactionTemplate(new DataSourceTransactionManager(ds));

    assertThatThrownBy(() -> tx.executeWithoutResult(status -> {
      inbox.process("billing", "evt-1", c -> EffectTable.apply(c, "evt-1", "x"));
      throw new IllegalStateException("later step of the caller failed");
    })).isInstanceOf(IllegalStateException.class);
    assertThat(inboxRows(ds)).isZero();
    assertThat(count(ds)).isZero();

    InboxOutcome retried =
        tx.execute(status -> inbox.process("billing", "evt-1", c -> EffectTable.apply(c, "evt-1", "x")));
    assertThat(retried).isEqualTo(InboxOutcome.PROCESSED);
    assertThat(count(ds)).isEqualTo(1);
  }

  @Test
  void failedEffectMarksTheJoinedTransactionRollbackOnly(TestDatabase db) throws Exception {
    DataSource ds = db.dataSource();
    EffectTable.install(ds);
    Inbox inbox = Inbox.builder(ds).build();
    TransactionTemplate tx = new TransactionTemplate(new DataSourceTransactionManager(ds));
    JdbcTemplate jdbc = new JdbcTemplate(ds);

    // the caller swallows the effect's failure and tries to commit: the message id must not commit alone
    assertThatThrownBy(() -> tx.executeWithoutResult(status -> {
      jdbc.update("INSERT INTO effect (message_id, note) VALUES ('other', 'caller work')");
      try {
        inbox.process("billing", "evt-1", c -> {
          throw new IllegalStateException("effect failed");
        });
      } catch (IllegalStateException expected) {
        // ignored on purpose
      }
    })).isInstanceOf(UnexpectedRollbackException.class);
    assertThat(inboxRows(ds)).isZero();
    assertThat(count(ds)).isZero();
  }

  @Test
  void nestedTransactionRollsBackOnlyTheFailedMessage(TestDatabase db) throws Exception {
    DataSource ds = db.dataSource();
    EffectTable.install(ds);
    Inbox inbox = Inbox.builder(ds).build();
    DataSourceTransactionManager manager = new DataSourceTransactionManager(ds);
    TransactionTemplate outer = new TransactionTemplate(manager);
    TransactionTemplate nested = new TransactionTemplate(manager);
    nested.setPropagationBehavior(TransactionDefinition.PROPAGATION_NESTED);

    outer.executeWithoutResult(status -> {
      inbox.process("billing", "evt-1", c -> EffectTable.apply(c, "evt-1", "x"));
      try {
        nested.executeWithoutResult(inner -> inbox.process("billing", "evt-2", c -> {
          EffectTable.apply(c, "evt-2", "x");
          throw new IllegalStateException("evt-2 failed");
        }));
      } catch (IllegalStateException expected) {
        // the savepoint was rolled back; the outer transaction goes on
      }
      inbox.process("billing", "evt-3", c -> EffectTable.apply(c, "evt-3", "x"));
    });

    assertThat(EffectTable.single(ds, "SELECT count(*) FROM inbox_message WHERE message_id = 'evt-2'")).isZero();
    assertThat(inboxRows(ds)).isEqualTo(2);
    assertThat(count(ds)).isEqualTo(2);
  }

  @Test
  void outsideATransactionOrWhenTurnedOffItCommitsOnItsOwn(TestDatabase db) throws Exception {
    DataSource ds = db.dataSource();
    EffectTable.install(ds);
    Inbox own = Inbox.builder(ds).joinSpringTransactions(false).build();
    TransactionTemplate tx = new TransactionTemplate(new DataSourceTransactionManager(ds));

    assertThatThrownBy(() -> tx.executeWithoutResult(status -> {
      own.process("billing", "evt-1", c -> EffectTable.apply(c, "evt-1", "x"));
      throw new IllegalStateException("caller failed after the inbox committed");
    })).isInstanceOf(IllegalStateException.class);
    assertThat(inboxRows(ds)).isEqualTo(1);
    assertThat(count(ds)).isEqualTo(1);
  }

  @Test
  void batchJoinsTheCallersTransaction(TestDatabase db) throws Exception {
    DataSource ds = db.dataSource();
    EffectTable.install(ds);
    Inbox inbox = Inbox.builder(ds).build();
    TransactionTemplate tx = new TransactionTemplate(new DataSourceTransactionManager(ds));

    assertThatThrownBy(() -> tx.executeWithoutResult(status -> {
      inbox.processBatch("billing", java.util.List.of("a", "b"), java.util.function.Function.identity(),
          (fresh, c) -> {
            for (String id : fresh) {
              EffectTable.apply(c, id, "x");
            }
          });
      throw new IllegalStateException("caller failed");
    })).isInstanceOf(IllegalStateException.class);
    assertThat(inboxRows(ds)).isZero();
    assertThat(count(ds)).isZero();
  }
}
