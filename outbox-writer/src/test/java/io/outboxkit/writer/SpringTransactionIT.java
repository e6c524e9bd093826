package io.outboxkit.writer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.outboxkit.core.OutboxEvent;
import io.outboxkit.test.OutboxIntegrationTest;
import io.outboxkit.test.TestDatabase;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.postgresql.ds.PGSimpleDataSource;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.jdbc.datasource.TransactionAwareDataSourceProxy;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionTemplate;

/** The DataSource forms join the Spring-managed transaction of the same DataSource. */
@OutboxIntegrationTest
class SpringTransactionIT {

  private TestDatabase db;
  private TransactionTemplate transaction;
  private JdbcTemplate jdbc;
  private OutboxWriter writer;

  @BeforeEach
  void setUp(TestDatabase db) throws Exception {
    this.db = db;
    OutboxRows.installTable(db.dataSource());
    OutboxRows.createOrders(db.dataSource());
    transaction = new TransactionTemplate(new DataSourceTransactionManager(db.dataSource()));
    jdbc = new JdbcTemplate(db.dataSource());
    writer = OutboxWriter.builder(db.dataSource()).build();
  }

  @Test
  void theEventCommitsWithTheBusinessChange() throws Exception {
    UUID id = transaction.execute(status -> {
      UUID written = writer.publish("order", "order-7", "OrderCreated", "{\"total\":10}");
      // the writer used the transaction's connection and left it open: the transaction goes on
      jdbc.update("INSERT INTO orders VALUES ('order-7', 10)");
      assertThat(jdbc.queryForObject("SELECT count(*) FROM outbox_event", Long.class)).isEqualTo(1);
      assertThat(countFromAnotherConnection()).as("not visible outside the transaction yet").isZero();
      return written;
    });

    assertThat(OutboxRows.read(db.dataSource())).extracting(OutboxRows.Row::id).containsExactly(id);
    assertThat(OutboxRows.count(db.dataSource(), "orders")).isEqualTo(1);
  }

  @Test
  void publishAllJoinsTheTransactionToo() throws Exception {
    List<UUID> ids = transaction.execute(status -> writer.publishAll(List.of(
        OutboxEvent.of("order", "1", "A", null), OutboxEvent.of("order", "2", "B", "[]"))));

    assertThat(OutboxRows.read(db.dataSource())).extracting(OutboxRows.Row::id).containsExactlyElementsOf(ids);
  }

  @Test
  void theEventRollsBackWithTheBusinessChange() throws Exception {
    transaction.executeWithoutResult(status -> {
      jdbc.update("INSERT INTO orders VALUES ('order-8', 10)");
      writer.publish("order", "order-8", "OrderCreated", "{}");
      status.setRollbackOnly();
    });
    assertThatThrownBy(() -> transaction.executeWithoutResult(status -> {
      jdbc.update("INSERT INTO orders VALUES ('order-9', 10)");
      writer.publish("order", "order-9", "OrderCreated", "{}");
      throw new IllegalStateException("business rule failed after the event was written");
    })).isInstanceOf(IllegalStateException.class);

    assertThat(OutboxRows.count(db.dataSource(), "outbox_event")).isZero();
    assertThat(OutboxRows.count(db.dataSource(), "orders")).isZero();
  }

  @Test
  void withoutATransactionTheWriterRefusesAndSaysWhatToDo() throws Exception {
    assertThatThrownBy(() -> writer.publish("order", "1", "OrderCreated", "{}"))
        .isInstanceOf(NoTransactionException.class)
        .hasMessageContaining("no Spring-managed transaction is active on this thread")
        .hasMessageContaining("@Transactional or TransactionTemplate");

    TransactionTemplate supports = new TransactionTemplate(new DataSourceTransactionManager(db.dataSource()));
    supports.setPropagationBehavior(TransactionDefinition.PROPAGATION_SUPPORTS);
    assertThatThrownBy(() -> supports.executeWithoutResult(status -> {
      jdbc.update("INSERT INTO orders VALUES ('order-1', 10)"); // binds an auto-commit connection
      writer.publish("order", "1", "OrderCreated", "{}");
    })).isInstanceOf(NoTransactionException.class).hasMessageContaining("no Spring-managed transaction");

    assertThat(OutboxRows.count(db.dataSource(), "outbox_event")).isZero();
  }

  @Test
  void aTransactionOnAnotherDataSourceIsNotJoined() throws Exception {
    PGSimpleDataSource other = new PGSimpleDataSource();
    other.setURL(db.jdbcUrl());
    other.setUser(db.username());
    other.setPassword(db.password());
    TransactionTemplate otherTransaction = new TransactionTemplate(new DataSourceTransactionManager(other));

    assertThatThrownBy(() -> otherTransaction.executeWithoutResult(status ->
        writer.publish("order", "1", "OrderCreated", "{}")))
        .isInstanceOf(NoTransactionException.class)
        .hasMessageContaining("holds no connection of the writer's DataSource");
  }

  @Test
  void aTransactionAwareProxyOfTheDataSourceJoinsTheSameTransaction() throws Exception {
    OutboxWriter proxied = OutboxWriter.builder(new TransactionAwareDataSourceProxy(db.dataSource())).build();

    transaction.executeWithoutResult(status -> {
      proxied.publish("order", "1", "OrderCreated", "{}");
      status.setRollbackOnly();
    });
    UUID id = transaction.execute(status -> proxied.publish("order", "2", "OrderCreated", "{}"));

    assertThat(OutboxRows.read(db.dataSource())).extracting(OutboxRows.Row::id).containsExactly(id);
  }

  @Test
  void whenAllowedACallOutsideATransactionCommitsOnItsOwn() throws Exception {
    OutboxWriter lenient = OutboxWriter.builder(db.dataSource()).allowWritesOutsideTransaction(true).build();

    UUID outside = lenient.publish("order", "1", "OrderCreated", "{}");
    transaction.executeWithoutResult(status -> {
      lenient.publish("order", "2", "OrderCreated", "{}");
      status.setRollbackOnly(); // inside a transaction the lenient writer still joins it
    });

    assertThat(OutboxRows.read(db.dataSource())).extracting(OutboxRows.Row::id).containsExactly(outside);
  }

  private long countFromAnotherConnection() {
    try {
      return OutboxRows.count(db.dataSource(), "outbox_event");
    } catch (java.sql.SQLException e) {
      throw new IllegalStateException(e);
    }
  }
}
