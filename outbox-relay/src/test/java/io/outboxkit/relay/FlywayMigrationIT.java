package io.outboxkit.relay;

import static org.assertj.core.api.Assertions.assertThat;

import io.outboxkit.test.OutboxIntegrationTest;
import io.outboxkit.test.TestDatabase;
import io.outboxkit.test.TestKafka;
import java.util.List;
import java.util.Map;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.output.MigrateResult;
import org.junit.jupiter.api.Test;

/**
 * outbox-core's SQL set applied as a Flyway user applies it (from its class path location, the names given as
 * Flyway placeholders, with other names than the defaults), and then a writer and a relay that use that schema
 * as it is: the relay's own preparation finds everything in place and creates nothing.
 */
@OutboxIntegrationTest
class FlywayMigrationIT {

  @Test
  void theShippedScriptsAppliedByFlywayCarryEventsFromTheWriterToKafka(TestDatabase db, TestKafka kafka)
      throws Exception {
    db.execute("CREATE SCHEMA shop");
    String slot = db.name(); // slots are server-wide: one per test database
    Flyway flyway = Flyway.configure()
        .dataSource(db.dataSource())
        .locations("classpath:io/outboxkit/core/schema/v1")
        .table("outboxkit_schema_history")
        .placeholders(Map.of("outbox_table", "shop.order_events", "relay_schema", "shop",
            "publication", "shop_outbox", "slot", slot))
        .load();

    MigrateResult result = flyway.migrate();

    assertThat(result.success).isTrue();
    assertThat(result.migrations).extracting(migration -> migration.version)
        .containsExactly("1.1", "1.2", "1.3", "1.4");
    assertThat(flyway.migrate().migrationsExecuted).as("a second run has nothing to do").isZero();
    List<String> installed = MigratedSchema.installed(db, slot);
    if (db.serverVersion() >= 150000) {
      assertThat(db.queryColumn("SELECT array_to_string(attnames, ',') FROM pg_publication_tables"
          + " WHERE pubname = 'shop_outbox' AND tablename = 'order_events'"))
          .containsExactly("id,aggregatetype,aggregateid,type,payload,tracingspancontext,headers");
    }

    MigratedSchema.streamAsInstalled(db, kafka, slot, "flyway", installed);
  }
}
