package io.outboxkit.relay;

import static io.outboxkit.relay.RelayFixture.header;
import static io.outboxkit.relay.RelayFixture.text;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import io.outboxkit.core.OutboxHeaders;
import io.outboxkit.core.WriteMode;
import io.outboxkit.test.OutboxIntegrationTest;
import io.outboxkit.test.TestDatabase;
import io.outboxkit.test.TestKafka;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

/**
 * The publication the relay creates: inserts only, the outbox table with only the columns the relay reads
 * (PostgreSQL 15 and later), and a publication of the user's own kept as it is.
 */
@OutboxIntegrationTest
class PublicationIT {

  /** An outbox table of the user's own: a column the relay does not read, and no tracingspancontext. */
  private static final String OWN_OUTBOX_TABLE = "CREATE TABLE public.outbox_event (id uuid PRIMARY KEY,"
      + " tenant text NOT NULL, aggregatetype varchar(255) NOT NULL, aggregateid varchar(255) NOT NULL,"
      + " type varchar(255) NOT NULL, payload jsonb, headers jsonb,"
      + " created_at timestamptz NOT NULL DEFAULT now())";

  @Test
  void theRelaysPublicationCarriesOnlyTheColumnsItReadsAndEventsStayWhole(TestDatabase db, TestKafka kafka)
      throws Exception {
    assumeThat(db.serverVersion()).as("column lists in publications need PostgreSQL 15")
        .isGreaterThanOrEqualTo(150000);
    db.execute(OWN_OUTBOX_TABLE);
    String prefix = kafka.newTopic("pub") + ".";
    kafka.createTopic(prefix + "order", 1);

    try (OutboxRelay relay = RelayFixture.relay(db, kafka, prefix).build()) {
      relay.prepareReplication();
      assertThat(db.queryColumn("SELECT tablename || ': ' || array_to_string(attnames, ',') FROM pg_publication_tables"
          + " WHERE pubname = 'outboxkit' AND tablename = 'outbox_event'"))
          .containsExactly("outbox_event: id,aggregatetype,aggregateid,type,payload,headers");
      assertThat(db.queryColumn("SELECT pubinsert || ' ' || pubupdate || ' ' || pubdelete FROM pg_publication"
          + " WHERE pubname = 'outboxkit'")).containsExactly("true false false");

      relay.start();
      RelayFixture.awaitActive(relay);
      ConsumerRecord<byte[], byte[]> record = insertAndReceive(db, kafka, prefix,
          "tenant, aggregatetype, aggregateid, type, payload, headers",
          "'acme', 'order', 'o-1', 'OrderCreated', '{\"total\": 10}', '{\"source\": \"web\"}'");
      assertThat(text(record.key())).isEqualTo("o-1");
      assertThat(text(record.value())).isEqualTo("{\"total\": 10}");
      assertThat(header(record, OutboxHeaders.EVENT_TYPE)).isEqualTo("OrderCreated");
      assertThat(header(record, "source")).isEqualTo("web");
      assertThat(record.headers().lastHeader("tenant")).isNull();
      assertThat(record.headers().lastHeader("created_at")).isNull();
    }
  }

  @Test
  void aPublicationOfTheUsersOwnIsKeptAsItIsWithTheHeartbeatTableAdded(TestDatabase db, TestKafka kafka)
      throws Exception {
    db.execute(OWN_OUTBOX_TABLE);
    db.execute("CREATE PUBLICATION outboxkit FOR TABLE public.outbox_event WITH (publish = 'insert')");
    List<String> before = publishedColumns(db);
    String prefix = kafka.newTopic("own-pub") + ".";
    kafka.createTopic(prefix + "order", 1);

    try (OutboxRelay relay = RelayFixture.relay(db, kafka, prefix).build()) {
      relay.start();
      RelayFixture.awaitActive(relay);
      assertThat(db.queryColumn("SELECT tablename FROM pg_publication_tables WHERE pubname = 'outboxkit' ORDER BY 1"))
          .containsExactly("outbox_event", "outboxkit_relay_heartbeat");
      assertThat(publishedColumns(db)).as("the outbox table's published columns").isEqualTo(before);

      ConsumerRecord<byte[], byte[]> record = insertAndReceive(db, kafka, prefix,
          "tenant, aggregatetype, aggregateid, type, payload", "'acme', 'order', 'o-2', 'OrderPaid', '[1, 2]'");
      assertThat(text(record.value())).isEqualTo("[1, 2]");
    }
  }

  @Test
  void aPublicationOfAWholeSchemaIsUsedAsItIs(TestDatabase db, TestKafka kafka) throws Exception {
    assumeThat(db.serverVersion()).as("publications of a schema need PostgreSQL 15")
        .isGreaterThanOrEqualTo(150000);
    db.execute(OWN_OUTBOX_TABLE);
    db.execute("CREATE PUBLICATION outboxkit FOR TABLES IN SCHEMA public WITH (publish = 'insert')");
    String prefix = kafka.newTopic("schema-pub") + ".";
    kafka.createTopic(prefix + "order", 1);

    try (OutboxRelay relay = RelayFixture.relay(db, kafka, prefix).build()) {
      relay.start();
      RelayFixture.awaitActive(relay);
      assertThat(db.queryColumn("SELECT count(*) FROM pg_publication_rel r JOIN pg_publication p ON p.oid = r.prpubid"
          + " WHERE p.pubname = 'outboxkit'")).as("no table added one by one").containsExactly("0");

      insertAndReceive(db, kafka, prefix, "tenant, aggregatetype, aggregateid, type, payload",
          "'acme', 'order', 'o-3', 'OrderPaid', '{}'");
    }
  }

  @Test
  void whereAColumnListWouldBeRefusedOrBreakDeletesTheTableJoinsWhole(TestDatabase db, TestKafka kafka)
      throws Exception {
    assumeThat(db.serverVersion()).as("column lists and schema publications need PostgreSQL 15")
        .isGreaterThanOrEqualTo(150000);
    db.execute(OWN_OUTBOX_TABLE);
    db.execute("ALTER TABLE public.outbox_event REPLICA IDENTITY FULL");
    db.execute("CREATE SCHEMA other");
    db.execute("CREATE TABLE other.audit (id int PRIMARY KEY)");
    db.execute("CREATE PUBLICATION outboxkit FOR TABLES IN SCHEMA other"); // publishes deletes too

    try (OutboxRelay relay = RelayFixture.relay(db, kafka, "unused.").build()) {
      relay.prepareReplication();
    }
    assertThat(db.queryColumn("SELECT tablename || ': ' || array_to_string(attnames, ',') FROM pg_publication_tables"
        + " WHERE pubname = 'outboxkit' AND schemaname = 'public' ORDER BY 1"))
        .containsExactly("outbox_event: id,tenant,aggregatetype,aggregateid,type,payload,headers,created_at",
            "outboxkit_relay_heartbeat: id,slot_name,beat_at");
    db.execute("INSERT INTO public.outbox_event (id, tenant, aggregatetype, aggregateid, type)"
        + " VALUES (gen_random_uuid(), 'acme', 'order', 'o-4', 'OrderPaid')");
    db.execute("DELETE FROM public.outbox_event"); // refused if a column list left out part of the identity
  }

  @Test
  void aPartitionedOutboxTableJoinsWhole(TestDatabase db, TestKafka kafka) throws Exception {
    assumeThat(db.serverVersion()).as("column lists in publications need PostgreSQL 15")
        .isGreaterThanOrEqualTo(150000);
    db.execute("CREATE TABLE public.outbox_event (id uuid PRIMARY KEY, aggregatetype varchar(255) NOT NULL,"
        + " aggregateid varchar(255) NOT NULL, type varchar(255) NOT NULL, payload jsonb,"
        + " created_at timestamptz NOT NULL DEFAULT now()) PARTITION BY HASH (id)");
    db.execute("CREATE TABLE public.outbox_event_0 PARTITION OF public.outbox_event"
        + " FOR VALUES WITH (MODULUS 1, REMAINDER 0)");

    try (OutboxRelay relay = RelayFixture.relay(db, kafka, "unused.").build()) {
      relay.prepareReplication(); // PostgreSQL refuses a column list here
    }
    assertThat(db.queryColumn("SELECT r.prrelid::regclass || ' ' || (r.prattrs IS NULL) FROM pg_publication_rel r"
        + " JOIN pg_publication p ON p.oid = r.prpubid WHERE p.pubname = 'outboxkit' ORDER BY 1"))
        .as("the tables and whether they joined without a column list")
        .containsExactly("outbox_event true", "outboxkit_relay_heartbeat true");
  }

  @Test
  void aStandbyThatTakesOverPutsBackWhatWasTakenFromThePublication(TestDatabase db, TestKafka kafka)
      throws Exception {
    RelayFixture.installSchema(db);
    String prefix = kafka.newTopic("repair") + ".";
    kafka.createTopic(prefix + "order", 1);
    OutboxRelay first = RelayFixture.relay(db, kafka, prefix).build();
    OutboxRelay second = RelayFixture.relay(db, kafka, prefix).build();
    try (first; second) {
      first.start();
      RelayFixture.awaitActive(first);
      second.start();
      RelayFixture.awaitStandby(second);

      db.execute("ALTER PUBLICATION outboxkit DROP TABLE public.outbox_event");
      first.close();
      RelayFixture.awaitActive(second);
      assertThat(db.queryColumn("SELECT tablename FROM pg_publication_tables WHERE pubname = 'outboxkit' ORDER BY 1"))
          .containsExactly("outbox_event", "outboxkit_relay_heartbeat");

      insertAndReceive(db, kafka, prefix, "aggregatetype, aggregateid, type, payload",
          "'order', 'o-5', 'OrderShipped', '{}'");
    }
  }

  @Test
  void relaysPreparingAtTheSameMomentAllSucceed(TestDatabase db, TestKafka kafka) throws Exception {
    db.execute(OWN_OUTBOX_TABLE);
    int relays = 4;
    ExecutorService pool = Executors.newFixedThreadPool(relays);
    CyclicBarrier together = new CyclicBarrier(relays);
    try {
      List<Future<?>> prepared = new ArrayList<>();
      for (int i = 0; i < relays; i++) {
        prepared.add(pool.submit(() -> {
          try (OutboxRelay relay = RelayFixture.relay(db, kafka, "unused.").build()) {
            together.await(60, TimeUnit.SECONDS);
            relay.prepareReplication();
          }
          return null;
        }));
      }
      for (Future<?> each : prepared) {
        each.get(120, TimeUnit.SECONDS); // rethrows a relay's failure
      }
    } finally {
      pool.shutdownNow();
    }
    assertThat(db.queryColumn("SELECT tablename FROM pg_publication_tables WHERE pubname = 'outboxkit' ORDER BY 1"))
        .containsExactly("outbox_event", "outboxkit_relay_heartbeat");
    assertThat(db.queryColumn("SELECT count(*) FROM pg_replication_slots WHERE slot_name = '" + db.name() + "'"))
        .containsExactly("1");
  }

  @Test
  void inWalMessageModeThePublicationHoldsTheHeartbeatTableOnly(TestDatabase db, TestKafka kafka) throws Exception {
    try (OutboxRelay relay = RelayFixture.relay(db, kafka, "unused.").mode(WriteMode.WAL_MESSAGE).build()) {
      relay.prepareReplication();
    }
    assertThat(db.queryColumn("SELECT schemaname || '.' || tablename FROM pg_publication_tables"
        + " WHERE pubname = 'outboxkit'")).containsExactly("public.outboxkit_relay_heartbeat");
  }

  /**
   * Inserts one outbox row with a new id and the given other columns, and returns the one record that reaches
   * the topic {@code <prefix>order} for it (checked by its id header).
   */
  private static ConsumerRecord<byte[], byte[]> insertAndReceive(TestDatabase db, TestKafka kafka, String prefix,
      String columns, String values) throws SQLException {
    UUID id = UUID.randomUUID();
    db.execute("INSERT INTO public.outbox_event (id, " + columns + ") VALUES ('" + id + "', " + values + ")");
    List<ConsumerRecord<byte[], byte[]>> records = kafka.readRecords(prefix + "order", 1, RelayFixture.TIMEOUT);
    assertThat(records).hasSize(1);
    assertThat(header(records.get(0), OutboxHeaders.ID)).isEqualTo(id.toString());
    return records.get(0);
  }

  /** The outbox table's published columns where the server knows column lists (15+), else its columns. */
  private static List<String> publishedColumns(TestDatabase db) throws SQLException {
    return db.serverVersion() >= 150000
        ? db.queryColumn("SELECT array_to_string(attnames, ',') FROM pg_publication_tables"
            + " WHERE pubname = 'outboxkit' AND tablename = 'outbox_event'")
        : db.queryColumn("SELECT 'all columns' FROM pg_publication_tables"
            + " WHERE pubname = 'outboxkit' AND tablename = 'outbox_event'");
  }

}
