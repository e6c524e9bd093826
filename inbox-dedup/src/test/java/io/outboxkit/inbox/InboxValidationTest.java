package io.outboxkit.inbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.outboxkit.core.OutboxConfigurationException;
import io.outboxkit.core.ServerUnavailableException;
import java.time.Duration;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.postgresql.ds.PGSimpleDataSource;

/** Arguments are checked before the database is touched: the data source here points at no server. */
class InboxValidationTest {

  private final PGSimpleDataSource nowhere = new PGSimpleDataSource();

  @Test
  void tableNamesAreValidated() {
    assertThatThrownBy(() -> Inbox.builder(nowhere).schema("my-schema"))
        .isInstanceOf(OutboxConfigurationException.class).hasMessageContaining("inbox schema");
    assertThatThrownBy(() -> Inbox.builder(nowhere).table(""))
        .isInstanceOf(OutboxConfigurationException.class).hasMessageContaining("inbox table");
    assertThatThrownBy(() -> Inbox.builder(null))
        .isInstanceOf(OutboxConfigurationException.class).hasMessageContaining("DataSource");
    assertThat(Inbox.builder(nowhere).schema("app").table("seen").build().table().qualified())
        .isEqualTo("\"app\".\"seen\"");
  }

  @Test
  void consumerAndMessageIdAreChecked() {
    Inbox inbox = Inbox.builder(nowhere).build();
    assertThatThrownBy(() -> inbox.process(" ", "id-1", c -> { }))
        .isInstanceOf(OutboxConfigurationException.class).hasMessageContaining("consumer name");
    assertThatThrownBy(() -> inbox.process("c".repeat(256), "id-1", c -> { }))
        .isInstanceOf(OutboxConfigurationException.class).hasMessageContaining("255");
    assertThatThrownBy(() -> inbox.process("billing", "", c -> { }))
        .isInstanceOf(InvalidMessageException.class).hasMessageContaining("empty");
    assertThatThrownBy(() -> inbox.process("billing", "x".repeat(1025), c -> { }))
        .isInstanceOf(InvalidMessageException.class).hasMessageContaining("1024");
    assertThatThrownBy(() -> inbox.processBatch("billing", List.of("a", "b"), s -> s.equals("b") ? null : s,
        (items, c) -> { }))
        .isInstanceOf(InvalidMessageException.class).hasMessageContaining("item 1");
  }

  @Test
  void emptyBatchDoesNotTouchTheDatabase() {
    Inbox inbox = Inbox.builder(nowhere).build();
    assertThat(inbox.processBatch("billing", List.<String>of(), Function.identity(), (items, c) -> { })).isEmpty();
  }

  @Test
  void unreachableDatabaseIsReportedAsUnavailable() {
    PGSimpleDataSource closedPort = new PGSimpleDataSource();
    closedPort.setServerNames(new String[] {"127.0.0.1"});
    closedPort.setPortNumbers(new int[] {1});
    closedPort.setConnectTimeout(2);
    Inbox inbox = Inbox.builder(closedPort).build();
    assertThatThrownBy(() -> inbox.process("billing", "id-1", c -> { }))
        .isInstanceOf(ServerUnavailableException.class)
        .hasMessageContaining("billing");
  }

  @Test
  void retentionSettingsAreValidated() {
    Inbox inbox = Inbox.builder(nowhere).build();
    assertThatThrownBy(() -> InboxRetention.builder(inbox).maxAge(Duration.ZERO))
        .isInstanceOf(OutboxConfigurationException.class).hasMessageContaining("maxAge");
    assertThatThrownBy(() -> InboxRetention.builder(inbox).batchSize(0))
        .isInstanceOf(OutboxConfigurationException.class).hasMessageContaining("batchSize");
    assertThatThrownBy(() -> inbox.purge(Duration.ofDays(-1), 10))
        .isInstanceOf(OutboxConfigurationException.class);
  }
}
