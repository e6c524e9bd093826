package io.outboxkit.inbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.outboxkit.test.OutboxIntegrationTest;
import io.outboxkit.test.TestDatabase;
import java.time.Duration;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

@OutboxIntegrationTest
class InboxRetentionIT {

  private static void rows(DataSource ds, String consumer, int count, String age) {
    EffectTable.execute(ds, "INSERT INTO inbox_message (consumer, message_id, received_at) SELECT '" + consumer
        + "', '" + consumer + "-' || g, now() - interval '" + age + "' FROM generate_series(1, " + count + ") g");
  }

  @Test
  void deletesOnlyRowsOlderThanTheAgeInBoundedBatches(TestDatabase db) {
    DataSource ds = db.dataSource();
    InboxSchema.builder().build().install(ds);
    rows(ds, "old", 5, "20 days");
    rows(ds, "young", 2, "13 days");
    rows(ds, "new", 3, "1 second");
    Inbox inbox = Inbox.builder(ds).build();

    PurgeResult result = inbox.purge(Duration.ofDays(14), 2);

    assertThat(result.deletedRows()).isEqualTo(5);
    assertThat(result.batches()).as("2 + 2 + 1 rows").isEqualTo(3);
    assertThat(EffectTable.single(ds, "SELECT count(*) FROM inbox_message WHERE consumer = 'old'")).isZero();
    assertThat(EffectTable.inboxRows(ds)).isEqualTo(5);

    PurgeResult again = inbox.purge(Duration.ofDays(14), 2);
    assertThat(again.deletedRows()).isZero();
    assertThat(again.batches()).isEqualTo(1);
  }

  @Test
  void aDeletedIdIsProcessedAgain(TestDatabase db) throws Exception {
    DataSource ds = db.dataSource();
    EffectTable.install(ds);
    Inbox inbox = Inbox.builder(ds).build();
    inbox.process("billing", "evt-1", c -> EffectTable.apply(c, "evt-1", "x"));
    EffectTable.execute(ds, "UPDATE inbox_message SET received_at = now() - interval '15 days'");

    assertThat(InboxRetention.builder(inbox).build().runOnce().deletedRows()).isEqualTo(1);

    // which is why the retention age must exceed the longest possible redelivery
    assertThat(inbox.process("billing", "evt-1", c -> EffectTable.apply(c, "evt-1", "x")))
        .isEqualTo(InboxOutcome.PROCESSED);
  }

  @Test
  void scheduledRetentionRunsUntilClosed(TestDatabase db) {
    DataSource ds = db.dataSource();
    InboxSchema.builder().build().install(ds);
    rows(ds, "old", 25, "30 days");
    rows(ds, "new", 2, "1 hour");
    Inbox inbox = Inbox.builder(ds).build();

    try (InboxRetention retention = InboxRetention.builder(inbox).maxAge(Duration.ofDays(7)).batchSize(10)
        .interval(Duration.ofMillis(200)).build()) {
      retention.start();
      await().atMost(Duration.ofSeconds(60)).until(() -> EffectTable.inboxRows(ds) == 2);
      rows(ds, "older", 3, "8 days");
      await().atMost(Duration.ofSeconds(60)).until(() -> EffectTable.inboxRows(ds) == 2);
    }
  }
}
