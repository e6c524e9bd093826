package io.outboxkit.inbox;

import static io.outboxkit.inbox.EffectTable.count;
import static io.outboxkit.inbox.EffectTable.inboxRows;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.outboxkit.test.OutboxIntegrationTest;
import io.outboxkit.test.TestDatabase;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

@OutboxIntegrationTest
class InboxIT {

  @Test
  void sameMessageThreeTimesAppliesTheEffectOnce(TestDatabase db) throws Exception {
    DataSource ds = db.dataSource();
    EffectTable.install(ds);
    Inbox inbox = Inbox.builder(ds).build();

    List<InboxOutcome> outcomes = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      outcomes.add(inbox.process("billing", "evt-1", c -> EffectTable.apply(c, "evt-1", "charge")));
    }

    assertThat(outcomes).containsExactly(InboxOutcome.PROCESSED, InboxOutcome.DUPLICATE, InboxOutcome.DUPLICATE);
    assertThat(count(ds)).isEqualTo(1);
    assertThat(inboxRows(ds)).isEqualTo(1);
  }

  @Test
  void eachConsumerProcessesAMessageOnce(TestDatabase db) throws Exception {
    DataSource ds = db.dataSource();
    EffectTable.install(ds);
    Inbox inbox = Inbox.builder(ds).build();

    assertThat(inbox.process("billing", "evt-1", c -> EffectTable.apply(c, "evt-1", "billing")))
        .isEqualTo(InboxOutcome.PROCESSED);
    assertThat(inbox.process("shipping", "evt-1", c -> EffectTable.apply(c, "evt-1", "shipping")))
        .isEqualTo(InboxOutcome.PROCESSED);
    assertThat(inbox.process("shipping", "evt-1", c -> EffectTable.apply(c, "evt-1", "shipping")))
        .isEqualTo(InboxOutcome.DUPLICATE);
    assertThat(count(ds)).isEqualTo(2);
  }

  @Test
  void failingEffectRecordsNothingAndTheRetryApplies(TestDatabase db) throws Exception {
    DataSource ds = db.dataSource();
    EffectTable.install(ds);
    Inbox inbox = Inbox.builder(ds).build();

    assertThatThrownBy(() -> inbox.process("billing", "evt-1", c -> {
      EffectTable.apply(c, "evt-1", "half done");
      throw new IllegalStateException("payment service down");
    })).isInstanceOf(IllegalStateException.class).hasMessage("payment service down");
    assertThat(count(ds)).isZero();
    assertThat(inboxRows(ds)).isZero();

    assertThatThrownBy(() -> inbox.process("billing", "evt-1", c -> {
      EffectTable.apply(c, "evt-1", "half done");
      c.createStatement().execute("SELECT * FROM no_such_table");
    })).isInstanceOf(InboxEffectException.class)
        .hasMessageContaining("evt-1")
        .hasCauseInstanceOf(SQLException.class);
    assertThat(count(ds)).isZero();
    assertThat(inboxRows(ds)).isZero();

    assertThat(inbox.process("billing", "evt-1", c -> EffectTable.apply(c, "evt-1", "charge")))
        .isEqualTo(InboxOutcome.PROCESSED);
    assertThat(count(ds)).isEqualTo(1);
  }

  @Test
  void concurrentDeliveriesOfTheSameIdsApplyEachOnce(TestDatabase db) throws Exception {
    DataSource ds = db.dataSource();
    EffectTable.install(ds);
    Inbox inbox = Inbox.builder(ds).build();
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<Long>> results = new ArrayList<>();
      for (int t = 0; t < 4; t++) {
        results.add(pool.submit(() -> {
          long processed = 0;
          for (int i = 0; i < 25; i++) {
            String id = "evt-" + i;
            if (inbox.process("billing", id, c -> EffectTable.apply(c, id, "x")) == InboxOutcome.PROCESSED) {
              processed++;
            }
          }
          return processed;
        }));
      }
      long processed = 0;
      for (Future<Long> result : results) {
        processed += result.get(120, TimeUnit.SECONDS);
      }
      assertThat(processed).isEqualTo(25);
    } finally {
      pool.shutdownNow();
    }
    assertThat(count(ds)).isEqualTo(25);
    assertThat(EffectTable.doubles(ds)).isZero();
  }

  @Test
  void batchRecordsAllIdsWithOneStatementAndAppliesOnlyNewOnes(TestDatabase db) throws Exception {
    DataSource ds = db.dataSource();
    EffectTable.install(ds);
    Inbox inbox = Inbox.builder(ds).build();
    inbox.process("billing", "b", c -> EffectTable.apply(c, "b", "earlier"));

    List<String> seen = new ArrayList<>();
    List<InboxOutcome> outcomes = inbox.processBatch("billing", List.of("a", "b", "a", "c"), Function.identity(),
        (fresh, c) -> {
          seen.addAll(fresh);
          for (String id : fresh) {
            EffectTable.apply(c, id, "batch");
          }
        });

    assertThat(outcomes).containsExactly(InboxOutcome.PROCESSED, InboxOutcome.DUPLICATE, InboxOutcome.DUPLICATE,
        InboxOutcome.PROCESSED);
    assertThat(seen).containsExactly("a", "c");
    assertThat(count(ds)).isEqualTo(3);
    assertThat(inboxRows(ds)).isEqualTo(3);

    List<String> again = new ArrayList<>();
    assertThat(inbox.processBatch("billing", List.of("a", "b", "c"), Function.identity(),
        (fresh, c) -> again.addAll(fresh)))
        .containsOnly(InboxOutcome.DUPLICATE);
    assertThat(again).isEmpty();
  }

  @Test
  void failingBatchCommitsNothingAndPerItemFallbackIsolatesTheFailure(TestDatabase db) throws Exception {
    DataSource ds = db.dataSource();
    EffectTable.install(ds);
    Inbox inbox = Inbox.builder(ds).build();
    InboxBatchEffect<String> effect = (fresh, c) -> {
      for (String id : fresh) {
        if (id.equals("bad")) {
          throw new IllegalStateException("cannot apply " + id);
        }
        EffectTable.apply(c, id, "x");
      }
    };
    List<String> batch = List.of("a", "bad", "c");

    assertThatThrownBy(() -> inbox.processBatch("billing", batch, Function.identity(), effect))
        .isInstanceOf(IllegalStateException.class);
    assertThat(inboxRows(ds)).isZero();
    assertThat(count(ds)).as("the effect of 'a' ran before the failure and was rolled back").isZero();

    // the documented fallback: one at a time, in order
    List<Object> results = new ArrayList<>();
    for (String id : batch) {
      try {
        results.add(inbox.process("billing", id, c -> effect.apply(List.of(id), c)));
      } catch (IllegalStateException e) {
        results.add("failed");
      }
    }
    assertThat(results).containsExactly(InboxOutcome.PROCESSED, "failed", InboxOutcome.PROCESSED);
    assertThat(count(ds)).isEqualTo(2);
    assertThat(inboxRows(ds)).isEqualTo(2);

    // the whole batch delivered again: the two applied ones are duplicates, nothing applies twice
    assertThatThrownBy(() -> inbox.processBatch("billing", batch, Function.identity(), effect))
        .isInstanceOf(IllegalStateException.class);
    assertThat(inbox.processBatch("billing", List.of("a", "c"), Function.identity(), effect))
        .containsOnly(InboxOutcome.DUPLICATE);
    assertThat(EffectTable.doubles(ds)).isZero();
    assertThat(count(ds)).isEqualTo(2);
  }

  @Test
  void customSchemaAndTable(TestDatabase db) throws Exception {
    DataSource ds = db.dataSource();
    EffectTable.install(ds);
    EffectTable.execute(ds, "CREATE SCHEMA billing");
    InboxSchema schema = InboxSchema.builder().schema("billing").table("Seen_Messages").build();
    schema.install(ds);
    Inbox inbox = Inbox.builder(ds).table(schema.table()).build();

    inbox.process("billing", "evt-1", c -> EffectTable.apply(c, "evt-1", "x"));
    inbox.process("billing", "evt-1", c -> EffectTable.apply(c, "evt-1", "x"));

    assertThat(EffectTable.single(ds, "SELECT count(*) FROM billing.\"Seen_Messages\"")).isEqualTo(1);
    assertThat(inboxRows(ds)).isZero();
    assertThat(count(ds)).isEqualTo(1);
  }
}
