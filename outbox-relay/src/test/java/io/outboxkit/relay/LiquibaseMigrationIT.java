package io.outboxkit.relay;

import static org.assertj.core.api.Assertions.assertThat;

import io.outboxkit.test.OutboxIntegrationTest;
import io.outboxkit.test.TestDatabase;
import io.outboxkit.test.TestKafka;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.util.List;
import java.util.Map;
import liquibase.Scope;
import liquibase.command.CommandScope;
import liquibase.command.core.UpdateCommandStep;
import liquibase.command.core.helpers.DbUrlConnectionArgumentsCommandStep;
import liquibase.database.Database;
import liquibase.database.DatabaseFactory;
import liquibase.database.jvm.JdbcConnection;
import liquibase.resource.ClassLoaderResourceAccessor;
import liquibase.resource.CompositeResourceAccessor;
import liquibase.resource.DirectoryResourceAccessor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * outbox-core's SQL set applied as outbox-writer's README tells a Liquibase user to apply it: a changelog with
 * the four {@code sqlFile} change sets read from the class path, the names as changelog properties (other
 * names than the defaults), statement splitting off, the slot's change set outside a transaction. Then a
 * writer and a relay use that schema as it is: the relay finds everything in place and creates nothing.
 */
@OutboxIntegrationTest
class LiquibaseMigrationIT {

  @Test
  void theShippedScriptsAppliedByLiquibaseCarryEventsFromTheWriterToKafka(TestDatabase db, TestKafka kafka,
      @TempDir Path changelogs) throws Exception {
    db.execute("CREATE SCHEMA shop");
    String slot = db.name(); // slots are server-wide: one per test database
    Files.writeString(changelogs.resolve("changelog.xml"), changelog(slot));

    update(db, changelogs);
    update(db, changelogs); // a second run has nothing to do

    assertThat(db.queryColumn("SELECT id || ' ' || exectype FROM databasechangelog ORDER BY orderexecuted"))
        .containsExactly("outboxkit-v1-outbox-table EXECUTED", "outboxkit-v1-relay-tables EXECUTED",
            "outboxkit-v1-publication EXECUTED", "outboxkit-v1-replication-slot EXECUTED");
    List<String> installed = MigratedSchema.installed(db, slot);

    MigratedSchema.streamAsInstalled(db, kafka, slot, "liquibase", installed);
  }

  /** The changelog of outbox-writer's README, with the names of this test. */
  private static String changelog(String slot) {
    return """
        <?xml version="1.0" encoding="UTF-8"?>
        <databaseChangeLog xmlns="http://www.liquibase.org/xml/ns/dbchangelog"
            xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
            xsi:schemaLocation="http://www.liquibase.org/xml/ns/dbchangelog
                http://www.liquibase.org/xml/ns/dbchangelog/dbchangelog-latest.xsd">
          <property name="outbox_table" value="shop.order_events"/>
          <property name="relay_schema" value="shop"/>
          <property name="publication" value="shop_outbox"/>
          <property name="slot" value="%s"/>

          <changeSet id="outboxkit-v1-outbox-table" author="outboxkit">
            <sqlFile path="io/outboxkit/core/schema/v1/V1_1__outboxkit_outbox_table.sql" splitStatements="false"/>
          </changeSet>
          <changeSet id="outboxkit-v1-relay-tables" author="outboxkit">
            <sqlFile path="io/outboxkit/core/schema/v1/V1_2__outboxkit_relay_tables.sql" splitStatements="false"/>
          </changeSet>
          <changeSet id="outboxkit-v1-publication" author="outboxkit">
            <sqlFile path="io/outboxkit/core/schema/v1/V1_3__outboxkit_publication.sql" splitStatements="false"/>
          </changeSet>
          <changeSet id="outboxkit-v1-replication-slot" author="outboxkit" runInTransaction="false">
            <sqlFile path="io/outboxkit/core/schema/v1/V1_4__outboxkit_replication_slot.sql" splitStatements="false"/>
          </changeSet>
        </databaseChangeLog>
        """.formatted(slot);
  }

  /** Liquibase's update, the changelog read from the directory and the SQL files from the class path. */
  private static void update(TestDatabase db, Path changelogs) throws Exception {
    try (Connection connection = db.openConnection();
        CompositeResourceAccessor resources = new CompositeResourceAccessor(new DirectoryResourceAccessor(changelogs),
            new ClassLoaderResourceAccessor(LiquibaseMigrationIT.class.getClassLoader()))) {
      Database database = DatabaseFactory.getInstance().findCorrectDatabaseImplementation(new JdbcConnection(connection));
      Scope.child(Map.of(Scope.Attr.resourceAccessor.name(), resources), () ->
          new CommandScope(UpdateCommandStep.COMMAND_NAME)
              .addArgumentValue(DbUrlConnectionArgumentsCommandStep.DATABASE_ARG, database)
              .addArgumentValue(UpdateCommandStep.CHANGELOG_FILE_ARG, "changelog.xml")
              .execute());
    }
  }
}
