package io.outboxkit.spring.writer;

import static org.assertj.core.api.Assertions.assertThat;

import io.outboxkit.core.OutboxConfigurationException;
import io.outboxkit.spring.StartupFailures;
import io.outboxkit.test.OutboxIntegrationTest;
import io.outboxkit.test.TestDatabase;
import io.outboxkit.writer.OutboxSchema;
import io.outboxkit.writer.OutboxWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jdbc.autoconfigure.DataSourceInitializationAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.jdbc.datasource.init.ScriptUtils;

/**
 * The start-up check of the auto-configured writer against real PostgreSQL: a service without its outbox
 * table, or in the wal-message mode without its replication slot, does not start, and the report says which
 * property to set or which SQL to run. Each test has a database of its own; slots are named after it.
 */
@OutboxIntegrationTest
class OutboxSchemaCheckIT {

  private static final Pattern CREATE_SLOT = Pattern.compile("SELECT pg_create_logical_replication_slot\\([^)]*\\)");

  private static ApplicationContextRunner application(TestDatabase db) {
    return new ApplicationContextRunner()
        .withConfiguration(AutoConfigurations.of(OutboxWriterAutoConfiguration.class))
        .withBean(DataSource.class, db::dataSource)
        .withPropertyValues("outbox.replication-slot=" + db.name());
  }

  @Test
  void withoutTheOutboxTableTheStartStopsNamingThePropertyAndTheSql(TestDatabase db) {
    application(db).run(context -> {
      assertThat(context).hasFailed();
      assertThat(context.getStartupFailure()).rootCause().isInstanceOf(OutboxConfigurationException.class);
      assertThat(StartupFailures.messages(context.getStartupFailure()))
          .contains("outbox table public.outbox_event does not exist in database " + db.name())
          .contains("set outbox.writer.initialize-schema=true")
          .contains("apply outbox-core's SQL set io/outboxkit/core/schema/v1 (its scripts in order, the replication "
              + "slot's outside a transaction) with your migration tool, with the placeholders "
              + "outbox_table=\"public\".\"outbox_event\", relay_schema=\"public\", publication=outboxkit, slot="
              + db.name())
          .contains("set outbox.table.schema and outbox.table.name")
          .contains("set outbox.writer.verify-schema=false");
    });
  }

  @Test
  void withOtherNamesTheReportGivesThePlaceholdersOfTheShippedSqlTheseNames(TestDatabase db) throws Exception {
    db.execute("CREATE SCHEMA shop");
    application(db).withPropertyValues("outbox.table.schema=shop", "outbox.table.name=order_events",
            "outbox.publication=shop_pub")
        .run(context -> assertThat(StartupFailures.messages(context.getStartupFailure()))
            .contains("outbox table shop.order_events does not exist")
            .contains("with the placeholders outbox_table=\"shop\".\"order_events\", relay_schema=\"shop\", "
                + "publication=shop_pub, slot=" + db.name()));
  }

  @Test
  void withInitializeSchemaTheTableIsInstalledBeforeTheCheckAndTheWriterWrites(TestDatabase db) throws Exception {
    application(db).withPropertyValues("outbox.writer.initialize-schema=true").run(context -> {
      assertThat(context).hasNotFailed().hasSingleBean(OutboxSchemaInitializer.class);
      try (Connection connection = db.openConnection()) {
        connection.setAutoCommit(false);
        context.getBean(OutboxWriter.class).publish(connection, "order", "order-1", "OrderPlaced", "{}");
        connection.commit();
      }
    });
    assertThat(db.queryColumn("SELECT aggregateid FROM public.outbox_event")).containsExactly("order-1");
  }

  @Test
  void aSchemaThatSpringSqlInitInstallsIsInPlaceBeforeTheCheck(TestDatabase db, @TempDir Path folder)
      throws Exception {
    // Spring's script runner has no placeholders: it runs the script with the names filled in
    Path script = Files.writeString(folder.resolve("outbox.sql"), OutboxSchema.builder().build().tableScript());
    application(db).withConfiguration(AutoConfigurations.of(DataSourceInitializationAutoConfiguration.class))
        .withPropertyValues("spring.sql.init.mode=always",
            "spring.sql.init.schema-locations=" + script.toUri(),
            "spring.sql.init.separator=" + ScriptUtils.EOF_STATEMENT_SEPARATOR) // the script has DO blocks
        .run(context -> assertThat(context).hasNotFailed().hasSingleBean(OutboxWriter.class));
  }

  @Test
  void aTableWithoutTheColumnsTheWriterInsertsStopsTheStart(TestDatabase db) throws Exception {
    db.execute("CREATE TABLE public.outbox_event (id uuid PRIMARY KEY, aggregatetype varchar(255) NOT NULL,"
        + " aggregateid varchar(255) NOT NULL, type varchar(255) NOT NULL, payload jsonb)");

    application(db).run(context -> assertThat(StartupFailures.messages(context.getStartupFailure()))
        .contains("outbox table public.outbox_event in database " + db.name()
            + " as user '" + db.username() + "' lacks the column(s) tracingspancontext, headers")
        .contains("set outbox.table.schema and outbox.table.name to the outbox table"));
  }

  @Test
  void walMessageModeWithoutTheSlotStopsTheStartAndTheSqlItNamesLetsItStart(TestDatabase db) throws Exception {
    ApplicationContextRunner walMessages = application(db).withPropertyValues("outbox.mode=wal-message");
    String[] report = new String[1];
    walMessages.run(context -> {
      assertThat(context).hasFailed();
      report[0] = StartupFailures.messages(context.getStartupFailure());
    });
    assertThat(report[0])
        .contains("replication slot '" + db.name() + "' does not exist")
        .contains("events written now would be lost for good")
        .contains("set outbox.writer.initialize-schema=true")
        .contains("run SELECT pg_create_logical_replication_slot('" + db.name() + "', 'pgoutput') in database "
            + db.name())
        .contains("set outbox.replication-slot")
        .doesNotContain("outbox table"); // no table is needed in this mode

    Matcher sql = CREATE_SLOT.matcher(report[0]);
    assertThat(sql.find()).isTrue();
    db.execute(sql.group());

    walMessages.run(context -> assertThat(context).hasNotFailed().hasSingleBean(OutboxWriter.class));
  }

  @Test
  void walMessageModeWithInitializeSchemaCreatesTheSlotAndStarts(TestDatabase db) throws Exception {
    application(db).withPropertyValues("outbox.mode=wal-message", "outbox.writer.initialize-schema=true")
        .run(context -> assertThat(context).hasNotFailed().hasSingleBean(OutboxWriter.class));
    assertThat(db.queryColumn("SELECT plugin FROM pg_replication_slots WHERE slot_name = '" + db.name() + "'"))
        .containsExactly("pgoutput");
  }

  @Test
  void aSlotOfThatNameInAnotherDatabaseStopsTheStart(TestDatabase db, TestDatabase other) throws Exception {
    other.execute("SELECT pg_create_logical_replication_slot('" + db.name() + "', 'pgoutput')");

    application(db).withPropertyValues("outbox.mode=wal-message")
        .run(context -> assertThat(StartupFailures.messages(context.getStartupFailure()))
            .contains("replication slot '" + db.name() + "' exists but is a logical slot for plugin pgoutput in "
                + "database " + other.name())
            .contains("set outbox.replication-slot to the relay's slot for this database"));
  }

  @Test
  void withTheCheckOffTheApplicationStartsWithoutTheTable(TestDatabase db) throws Exception {
    application(db).withPropertyValues("outbox.writer.verify-schema=false")
        .run(context -> assertThat(context).hasNotFailed().hasSingleBean(OutboxWriter.class));
    application(db).withPropertyValues("outbox.writer.verify-schema=false", "outbox.mode=wal-message")
        .run(context -> assertThat(context).hasNotFailed().hasSingleBean(OutboxWriter.class));

    assertThat(db.queryColumn("SELECT count(*) FROM pg_class WHERE relname = 'outbox_event'")).containsExactly("0");
  }
}
