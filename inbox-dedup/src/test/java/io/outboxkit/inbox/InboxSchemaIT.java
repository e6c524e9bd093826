package io.outboxkit.inbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.outboxkit.core.OutboxException;
import io.outboxkit.test.OutboxIntegrationTest;
import io.outboxkit.test.TestDatabase;
import java.sql.Connection;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

@OutboxIntegrationTest
class InboxSchemaIT {

  @Test
  void installsTheTableAndIndexAndCanRunAgain(TestDatabase db) {
    DataSource ds = db.dataSource();
    InboxSchema.builder().build().install(ds);
    InboxSchema.builder().build().install(ds);

    assertThat(EffectTable.single(ds, "SELECT count(*) FROM information_schema.columns WHERE table_schema = "
        + "'public' AND table_name = 'inbox_message' AND column_name IN ('consumer', 'message_id', 'received_at')"))
        .isEqualTo(3);
    assertThat(EffectTable.single(ds, "SELECT count(*) FROM pg_indexes WHERE tablename = 'inbox_message' "
        + "AND indexname = 'inbox_message_received_at_idx'")).isEqualTo(1);
    EffectTable.execute(ds, "INSERT INTO inbox_message (consumer, message_id) VALUES ('c', 'm')");
    assertThatThrownBy(() -> EffectTable.execute(ds,
        "INSERT INTO inbox_message (consumer, message_id) VALUES ('c', 'm')"))
        .hasMessageContaining("duplicate key");
    assertThat(EffectTable.single(ds, "SELECT count(*) FROM inbox_message WHERE received_at > now() - "
        + "interval '1 minute'")).isEqualTo(1);
  }

  @Test
  void shippedScriptRunsAsAMigrationAsItIs(TestDatabase db) throws Exception {
    DataSource ds = db.dataSource();
    try (Connection connection = ds.getConnection(); Statement statement = connection.createStatement()) {
      statement.execute(InboxSchema.template());
      statement.execute(InboxSchema.template());
    }
    InboxSchema.builder().build().install(ds);
    Inbox inbox = Inbox.builder(ds).build();
    assertThat(inbox.process("c", "m", c -> { })).isEqualTo(InboxOutcome.PROCESSED);
  }

  @Test
  void concurrentInstallersWaitForEachOther(TestDatabase db) throws Exception {
    DataSource ds = db.dataSource();
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<?>> installs = new ArrayList<>();
      for (int i = 0; i < 4; i++) {
        installs.add(pool.submit(() -> InboxSchema.builder().build().install(ds)));
      }
      for (Future<?> install : installs) {
        install.get(60, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }
    assertThat(EffectTable.inboxRows(ds)).isZero();
  }

  @Test
  void missingSchemaIsNamedInTheError(TestDatabase db) {
    assertThatThrownBy(() -> InboxSchema.builder().schema("no_such_schema").table("inbox_message").build().install(db.dataSource()))
        .isInstanceOf(OutboxException.class)
        .hasMessageContaining("no_such_schema");
  }
}
