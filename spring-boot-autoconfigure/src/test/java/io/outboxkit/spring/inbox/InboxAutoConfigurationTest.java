package io.outboxkit.spring.inbox;

import static org.assertj.core.api.Assertions.assertThat;

import io.outboxkit.core.TableName;
import io.outboxkit.inbox.Inbox;
import io.outboxkit.inbox.InboxEffect;
import io.outboxkit.inbox.InboxBatchEffect;
import io.outboxkit.inbox.InboxOutcome;
import io.outboxkit.inbox.InboxRetention;
import io.outboxkit.inbox.PurgeResult;
import io.outboxkit.spring.StartupFailures;
import java.time.Duration;
import java.util.List;
import java.util.function.Function;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

class InboxAutoConfigurationTest {

  /** Never connected to: building the inbox does not touch the database. */
  private static final DataSource UNUSED_DATABASE = new DriverManagerDataSource("jdbc:postgresql://127.0.0.1:1/none");

  private final ApplicationContextRunner runner = new ApplicationContextRunner()
      .withConfiguration(AutoConfigurations.of(InboxAutoConfiguration.class))
      .withBean(DataSource.class, () -> UNUSED_DATABASE);

  @Test
  void createsTheInboxOnTheDefaultTable() {
    runner.run(context -> {
      assertThat(context).hasSingleBean(Inbox.class).doesNotHaveBean(InboxSchemaInitializer.class)
          .doesNotHaveBean(InboxRetention.class);
      assertThat(context.getBean(Inbox.class).table().plain()).isEqualTo("public.inbox_message");
    });
  }

  @Test
  void usesTheConfiguredTable() {
    runner.withPropertyValues("outbox.inbox.table.schema=inventory", "outbox.inbox.table.name=processed_message")
        .run(context -> assertThat(context.getBean(Inbox.class).table().plain())
            .isEqualTo("inventory.processed_message"));
  }

  @Test
  void backsOffWhenDisabledOrWithoutDataSourceOrLibraries() {
    runner.withPropertyValues("outbox.inbox.enabled=false")
        .run(context -> assertThat(context).hasNotFailed().doesNotHaveBean(Inbox.class));
    new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(InboxAutoConfiguration.class))
        .run(context -> assertThat(context).hasNotFailed().doesNotHaveBean(Inbox.class));
    runner.withClassLoader(new FilteredClassLoader(Inbox.class))
        .run(context -> assertThat(context).hasNotFailed().doesNotHaveBean(Inbox.class));
  }

  @Test
  void userInboxWins() {
    Inbox mine = new NamedInbox(TableName.of("s", "mine", "t", "inbox"));
    runner.withBean(Inbox.class, () -> mine)
        .run(context -> assertThat(context.getBean(Inbox.class)).isSameAs(mine));
  }

  @Test
  void retentionRunsOnlyWhenEnabledAndStopsWithTheContext() {
    runner.withPropertyValues("outbox.inbox.retention.enabled=true", "outbox.inbox.retention.max-age=30d",
            "outbox.inbox.retention.interval=6h")
        .run(context -> {
          assertThat(context).hasSingleBean(InboxRetention.class).hasSingleBean(InboxRetentionLifecycle.class);
          InboxRetentionLifecycle lifecycle = context.getBean(InboxRetentionLifecycle.class);
          assertThat(lifecycle.isRunning()).isTrue();
          context.close();
          assertThat(lifecycle.isRunning()).isFalse();
        });
  }

  @Test
  void invalidValuesFailTheStartNamingTheProperty() {
    runner.withPropertyValues("outbox.inbox.table.name=inbox message").run(context ->
        assertThat(StartupFailures.messages(context.getStartupFailure())).contains("outbox.inbox.table.name"));
    runner.withPropertyValues("outbox.inbox.retention.batch-size=0").run(context ->
        assertThat(StartupFailures.messages(context.getStartupFailure()))
            .contains("outbox.inbox.retention.batch-size is 0"));
    runner.withPropertyValues("outbox.inbox.listener.error-handler.attempts=0").run(context ->
        assertThat(StartupFailures.messages(context.getStartupFailure()))
            .contains("outbox.inbox.listener.error-handler.attempts is 0"));
    runner.withPropertyValues("outbox.inbox.listener.error-handler.backoff.max-delay=100ms").run(context ->
        assertThat(StartupFailures.messages(context.getStartupFailure()))
            .contains("outbox.inbox.listener.error-handler.backoff.max-delay is PT0.1S"));
  }

  /** A user's own inbox; only its table is ever asked for here. */
  private record NamedInbox(TableName table) implements Inbox {

    @Override
    public InboxOutcome process(String consumer, String messageId, InboxEffect effect) {
      throw new UnsupportedOperationException();
    }

    @Override
    public <T> List<InboxOutcome> processBatch(String consumer, List<T> items,
        Function<? super T, String> messageIdOf, InboxBatchEffect<T> effect) {
      throw new UnsupportedOperationException();
    }

    @Override
    public PurgeResult purge(Duration maxAge, int batchSize) {
      throw new UnsupportedOperationException();
    }
  }
}
