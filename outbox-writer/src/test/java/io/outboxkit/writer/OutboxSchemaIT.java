package io.outboxkit.writer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;

import io.outboxkit.core.OutboxConfigurationException;
import io.outboxkit.core.OutboxException;
import io.outboxkit.core.OutboxReplication;
import io.outboxkit.core.SchemaScripts;
import io.outboxkit.core.WalMessageEnvelope;
import io.outboxkit.core.WriteMode;
import io.outboxkit.test.OutboxIntegrationTest;
import io.outboxkit.test.TestDatabase;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The installer and the shipped SQL: idempotent, custom names honored, the slot ready before any event. */
@OutboxIntegrationTest
class OutboxSchemaIT {

  /** The outbox table of DESIGN.md: column, type, length, nullable, default. */
  private static final List<String> LAYOUT = List.of(
      "id uuid null NO null",
      "aggregatetype character varying 255 NO null",
      "aggregateid character varying 255 NO null",
      "type character varying 255 NO null",
      "payload jsonb null YES null",
      "tracingspancontext character varying 512 YES null",
      "headers jsonb null YES null",
      "created_at timestamp with time zone null NO now()");

  @Test
  void installingTwiceGivesTheDesignedTablePublicationAndSlot(TestDatabase db) throws Exception {
    OutboxSchema schema = OutboxSchema.builder().replicationSlot(db.name()).build();

    schema.install(db.dataSource());
    schema.install(db.dataSource());

    assertThat(columns(db, "public", "outbox_event")).containsExactlyElementsOf(LAYOUT);
    assertThat(db.queryColumn("SELECT a.attname FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid"
        + " AND a.attnum = ANY (i.indkey) WHERE i.indrelid = 'public.outbox_event'::regclass AND i.indisprimary"))
        .containsExactly("id");
    assertThat(db.queryColumn(
        "SELECT schemaname || '.' || tablename FROM pg_publication_tables WHERE pubname = 'outboxkit'"))
        .containsExactly("public.outbox_event");
    assertThat(db.queryColumn("SELECT pubinsert || ' ' || pubupdate || ' ' || pubdelete || ' ' || pubtruncate"
        + " FROM pg_publication WHERE pubname = 'outboxkit'")).containsExactly("true false false false");
    assertThat(db.queryColumn("SELECT plugin || ' ' || slot_type || ' ' || database FROM pg_replication_slots"
        + " WHERE slot_name = '" + db.name() + "'")).containsExactly("pgoutput logical " + db.name());
  }

  @Test
  void installersStartedAtTheSameMomentAllSucceed(TestDatabase db) throws Exception {
    int installers = 6;
    OutboxSchema schema = OutboxSchema.builder().replicationSlot(db.name()).build();
    ExecutorService pool = Executors.newFixedThreadPool(installers);
    CyclicBarrier together = new CyclicBarrier(installers);
    try {
      List<Future<?>> installs = new ArrayList<>();
      for (int i = 0; i < installers; i++) {
        installs.add(pool.submit(() -> {
          try (Connection connection = db.openConnection()) {
            together.await(60, TimeUnit.SECONDS); // connected: all begin at once
            schema.install(connection);
          }
          return null;
        }));
      }
      for (Future<?> install : installs) {
        install.get(120, TimeUnit.SECONDS); // rethrows an installer's failure
      }
    } finally {
      pool.shutdownNow();
    }
    assertThat(columns(db, "public", "outbox_event")).containsExactlyElementsOf(LAYOUT);
    assertThat(db.queryColumn("SELECT tablename FROM pg_publication_tables WHERE pubname = 'outboxkit'"))
        .containsExactly("outbox_event");
    assertThat(db.queryColumn("SELECT count(*) FROM pg_replication_slots WHERE slot_name = '" + db.name() + "'"))
        .containsExactly("1");
  }

  @Test
  void customNamesAreHonoredAndInstallingTwiceChangesNothing(TestDatabase db) throws Exception {
    db.execute("CREATE SCHEMA \"Shop\"");
    OutboxSchema schema = OutboxSchema.builder().schema("Shop").table("OrderEvents").publication("shop_pub")
        .replicationSlot("shop_" + db.name()).build();

    schema.install(db.dataSource());
    schema.install(db.dataSource());

    assertThat(columns(db, "Shop", "OrderEvents")).containsExactlyElementsOf(LAYOUT);
    assertThat(db.queryColumn("SELECT count(*) FROM information_schema.tables WHERE table_name = 'outbox_event'"))
        .containsExactly("0");
    assertThat(db.queryColumn("SELECT pubname || ' ' || schemaname || '.' || tablename FROM pg_publication_tables"))
        .containsExactly("shop_pub Shop.OrderEvents");
    assertThat(db.queryColumn("SELECT plugin FROM pg_replication_slots WHERE slot_name = 'shop_" + db.name() + "'"))
        .containsExactly("pgoutput");
  }

  @Test
  void onPostgres15AndLaterThePublicationCarriesOnlyTheColumnsTheRelayReads(TestDatabase db) throws Exception {
    assumeThat(db.serverVersion())
        .as("column lists in publications need PostgreSQL 15").isGreaterThanOrEqualTo(150000);
    OutboxSchema.builder().createReplicationSlot(false).build().install(db.dataSource());
    db.execute("CREATE SCHEMA shop");
    db.execute("CREATE TABLE shop.events (id uuid PRIMARY KEY, tenant text, aggregatetype varchar(255) NOT NULL,"
        + " aggregateid varchar(255) NOT NULL, type varchar(255) NOT NULL, payload jsonb,"
        + " created_at timestamptz NOT NULL DEFAULT now())");
    OutboxSchema.builder().schema("shop").table("events").publication("shop").createReplicationSlot(false).build()
        .install(db.dataSource());

    assertThat(db.queryColumn("SELECT pubname || ' ' || schemaname || '.' || tablename || ': '"
        + " || array_to_string(attnames, ',') FROM pg_publication_tables ORDER BY 1"))
        .as("the designed table; a table of one's own keeps its columns but gives only those the relay reads")
        .containsExactly("outboxkit public.outbox_event: id,aggregatetype,aggregateid,type,payload,tracingspancontext,"
            + "headers", "shop shop.events: id,aggregatetype,aggregateid,type,payload");
  }

  @Test
  void anExistingPublicationThatPublishesDeletesGetsTheWholeTableSoDeletesKeepWorking(TestDatabase db)
      throws Exception {
    assumeThat(db.serverVersion())
        .as("column lists in publications need PostgreSQL 15").isGreaterThanOrEqualTo(150000);
    db.execute("CREATE TABLE other (id int PRIMARY KEY)");
    db.execute("CREATE PUBLICATION outboxkit FOR TABLE other"); // inserts, updates, deletes, truncates

    OutboxSchema.builder().createReplicationSlot(false).build().install(db.dataSource());
    db.execute("ALTER TABLE public.outbox_event REPLICA IDENTITY FULL");

    assertThat(db.queryColumn("SELECT array_to_string(attnames, ',') FROM pg_publication_tables"
        + " WHERE pubname = 'outboxkit' AND tablename = 'outbox_event'"))
        .containsExactly("id,aggregatetype,aggregateid,type,payload,tracingspancontext,headers,created_at");
    OutboxWriter.builder(db.dataSource()).mode(WriteMode.TABLE_DELETE_AFTER_INSERT)
        .allowWritesOutsideTransaction(true).build().publish("order", "1", "OrderCreated", "{}");
    assertThat(db.queryColumn("SELECT count(*) FROM public.outbox_event")).containsExactly("0");
  }

  @Test
  void aPartitionedOutboxTableJoinsThePublicationWhole(TestDatabase db) throws Exception {
    assumeThat(db.serverVersion())
        .as("column lists in publications need PostgreSQL 15").isGreaterThanOrEqualTo(150000);
    db.execute("CREATE SCHEMA shop");
    db.execute("CREATE TABLE shop.events (id uuid PRIMARY KEY, aggregatetype varchar(255) NOT NULL,"
        + " aggregateid varchar(255) NOT NULL, type varchar(255) NOT NULL, payload jsonb,"
        + " created_at timestamptz NOT NULL DEFAULT now()) PARTITION BY HASH (id)");
    db.execute("CREATE TABLE shop.events_0 PARTITION OF shop.events FOR VALUES WITH (MODULUS 1, REMAINDER 0)");

    OutboxSchema.builder().schema("shop").table("events").publication("shop").createReplicationSlot(false).build()
        .install(db.dataSource());

    assertThat(db.queryColumn("SELECT r.prrelid::regclass || ' ' || (r.prattrs IS NULL) FROM pg_publication_rel r"
        + " JOIN pg_publication p ON p.oid = r.prpubid WHERE p.pubname = 'shop'"))
        .as("the partitioned table, without a column list").containsExactly("shop.events true");
  }

  @Test
  void anExistingPublicationWithoutTheTableGetsTheTableAdded(TestDatabase db) throws Exception {
    db.execute("CREATE TABLE other (id int PRIMARY KEY)");
    db.execute("CREATE PUBLICATION outboxkit FOR TABLE other");

    OutboxSchema.builder().createReplicationSlot(false).build().install(db.dataSource());

    assertThat(db.queryColumn("SELECT tablename FROM pg_publication_tables WHERE pubname = 'outboxkit' ORDER BY 1"))
        .containsExactly("other", "outbox_event");
  }

  @Test
  void eventsWrittenRightAfterInstallationAreInTheRelaysSlot(TestDatabase db) throws Exception {
    String slotName = db.name();
    OutboxSchema.builder().replicationSlot(slotName).build().install(db.dataSource());
    OutboxWriter table = OutboxWriter.builder(db.dataSource()).allowWritesOutsideTransaction(true).build();
    OutboxWriter wal = OutboxWriter.builder(db.dataSource()).mode(WriteMode.WAL_MESSAGE)
        .allowWritesOutsideTransaction(true).build();
    OutboxWriter deleting = OutboxWriter.builder(db.dataSource()).mode(WriteMode.TABLE_DELETE_AFTER_INSERT)
        .allowWritesOutsideTransaction(true).build();

    table.publish("order", "1", "OrderCreated", "{\"first\":true}");
    var walId = wal.publish("order", "1", "OrderPaid", "[\"second\"]");
    deleting.publish("order", "1", "OrderShipped", "{}");

    LogicalSlot.PgOutput stream =
        LogicalSlot.existing(db, slotName).peekPgOutput(OutboxReplication.DEFAULT_PUBLICATION);
    assertThat(stream.inserts()).as("both table-mode inserts").isEqualTo(2);
    assertThat(stream.deletes()).as("the publication publishes inserts only").isZero();
    assertThat(stream.messages()).hasSize(1);
    assertThat(stream.messages().get(0).prefix()).isEqualTo(OutboxReplication.DEFAULT_WAL_MESSAGE_PREFIX);
    assertThat(stream.messages().get(0).transactional()).isTrue();
    WalMessageEnvelope envelope =
        WalMessageEnvelope.fromJson(new String(stream.messages().get(0).content(), StandardCharsets.UTF_8));
    assertThat(envelope.id()).isEqualTo(walId);
    assertThat(envelope.payload()).isEqualTo("[\"second\"]");
  }

  @Test
  void theShippedSqlFilesRunAsAMigrationToolRunsThemAndAreIdempotent(TestDatabase db) throws Exception {
    // the values a migration tool's placeholders are given, as the README shows them
    Map<String, String> values = Map.of("outbox_table", "public.outbox_event", "relay_schema", "public",
        "publication", "outboxkit", "slot", "outboxkit");
    String tableSql = withValues(resource(SchemaScripts.OUTBOX_TABLE_V1), values) + "\n"
        + withValues(resource(SchemaScripts.PUBLICATION_V1), values);
    String slotSql = withValues(resource(SchemaScripts.REPLICATION_SLOT_V1), values);

    for (int run = 0; run < 2; run++) {
      try (Connection connection = db.openConnection(); Statement statement = connection.createStatement()) {
        connection.setAutoCommit(false); // Flyway's and Liquibase's default for a migration
        statement.execute(tableSql);
        connection.commit();
        connection.setAutoCommit(true); // the slot file runs outside a transaction
        statement.execute(slotSql);
      }
    }

    assertThat(columns(db, "public", "outbox_event")).containsExactlyElementsOf(LAYOUT);
    assertThat(db.queryColumn("SELECT plugin || ' ' || database FROM pg_replication_slots WHERE slot_name = 'outboxkit'"))
        .containsExactly("pgoutput " + db.name());
  }

  @Test
  void theSlotFileRefusesToRunInATransactionThatWrote(TestDatabase db) throws Exception {
    OutboxSchema schema = OutboxSchema.builder().replicationSlot(db.name()).build();
    try (Connection connection = db.openConnection(); Statement statement = connection.createStatement()) {
      connection.setAutoCommit(false);
      statement.execute(schema.tableScript());
      assertThatThrownBy(() -> statement.execute(schema.replicationSlotScript()))
          .isInstanceOf(SQLException.class).hasMessageContaining("transaction");
      connection.rollback();
    }
  }

  @Test
  void aSlotOfThatNameInAnotherDatabaseOrWithAnotherPluginIsReported(TestDatabase db) throws Exception {
    String slotName = db.name();
    try (Connection connection = db.openConnection(); Statement statement = connection.createStatement()) {
      statement.execute("SELECT pg_create_logical_replication_slot('" + slotName + "', 'test_decoding')");
    }

    assertThatThrownBy(() -> OutboxSchema.builder().replicationSlot(slotName).build().install(db.dataSource()))
        .isInstanceOf(OutboxConfigurationException.class)
        .hasMessageContaining("replication slot '" + slotName + "' already exists")
        .hasMessageContaining("for plugin test_decoding")
        .hasMessageContaining("give this database's outbox a slot of its own")
        .hasMessageContaining("outbox.replication-slot")
        .hasMessageContaining("are installed, only the slot is missing");
  }

  @Test
  void aMissingSchemaIsReportedWithWhatToDo(TestDatabase db) {
    assertThatThrownBy(() -> OutboxSchema.builder().schema("missing").createReplicationSlot(false).build()
        .install(db.dataSource()))
        .isInstanceOf(OutboxException.class)
        .hasMessageContaining("the schema \"missing\" does not exist, create it first");
  }

  private static List<String> columns(TestDatabase db, String schema, String table) throws SQLException {
    try (Connection connection = db.openConnection();
         PreparedStatement statement = connection.prepareStatement("SELECT column_name, data_type,"
             + " character_maximum_length, is_nullable, column_default FROM information_schema.columns"
             + " WHERE table_schema = ? AND table_name = ? ORDER BY ordinal_position")) {
      statement.setString(1, schema);
      statement.setString(2, table);
      List<String> columns = new ArrayList<>();
      try (ResultSet rows = statement.executeQuery()) {
        while (rows.next()) {
          columns.add(rows.getString(1) + " " + rows.getString(2) + " " + rows.getString(3) + " "
              + rows.getString(4) + " " + rows.getString(5));
        }
      }
      return columns;
    }
  }

  private static String withValues(String script, Map<String, String> values) {
    for (Map.Entry<String, String> value : values.entrySet()) {
      script = script.replace("${" + value.getKey() + "}", value.getValue());
    }
    assertThat(script).doesNotContain("${");
    return script;
  }

  private static String resource(String path) throws Exception {
    try (InputStream in = OutboxSchemaIT.class.getClassLoader().getResourceAsStream(path)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }
}
