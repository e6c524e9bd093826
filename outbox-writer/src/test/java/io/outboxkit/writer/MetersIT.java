package io.outboxkit.writer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.outboxkit.core.InvalidEventException;
import io.outboxkit.core.OutboxEvent;
import io.outboxkit.test.OutboxIntegrationTest;
import io.outboxkit.test.TestDatabase;
import java.sql.Connection;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * {@code outboxkit.writer.events}: every event the writer wrote, per aggregate type, whichever form wrote it;
 * counted when written, so an event of a transaction rolled back afterwards is counted, and one the writer
 * refused is not.
 */
@OutboxIntegrationTest
class MetersIT {

  @Test
  void everyWrittenEventIsCountedUnderItsAggregateType(TestDatabase db) throws Exception {
    OutboxRows.installTable(db.dataSource());
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    OutboxWriter writer = OutboxWriter.builder(db.dataSource()).meterRegistry(registry)
        .allowWritesOutsideTransaction(true).build();
    assertThat(registry.find("outboxkit.writer.events").counters()).as("nothing before the first event").isEmpty();

    // a Spring-managed transaction, committed
    new TransactionTemplate(new DataSourceTransactionManager(db.dataSource())).executeWithoutResult(status -> {
      writer.publish("order", "o-1", "OrderCreated", "{}");
      writer.publishAll(List.of(OutboxEvent.of("order", "o-1", "OrderPaid", null),
          OutboxEvent.of("payment", "p-1", "PaymentCompleted", null)));
    });
    assertThat(events(registry, "order")).isEqualTo(2);
    assertThat(events(registry, "payment")).isEqualTo(1);

    // a connection of the caller's, rolled back after the write: written, counted, never committed
    try (Connection connection = db.openConnection()) {
      connection.setAutoCommit(false);
      writer.publish(connection, "order", "o-2", "OrderCreated", "{}");
      connection.rollback();
    }
    assertThat(events(registry, "order")).isEqualTo(3);

    // the writer's own short transaction
    writer.publish("payment", "p-2", "PaymentCompleted", "{}");
    assertThat(events(registry, "payment")).isEqualTo(2);

    // refused before anything was written: not counted
    assertThatThrownBy(() -> writer.publish("order", "o-3", "OrderCreated", "not json"))
        .isInstanceOf(InvalidEventException.class);
    assertThat(events(registry, "order")).isEqualTo(3);

    assertThat(OutboxRows.count(db.dataSource(), "outbox_event")).as("the rows that committed").isEqualTo(4);
  }

  private static double events(SimpleMeterRegistry registry, String aggregateType) {
    Counter counter = registry.get("outboxkit.writer.events").tag("aggregate.type", aggregateType).counter();
    return counter.count();
  }
}
