package io.outboxkit.relay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.outboxkit.core.OutboxEvent;
import io.outboxkit.core.OutboxHeaders;
import io.outboxkit.test.OutboxIntegrationTest;
import io.outboxkit.test.TestDatabase;
import io.outboxkit.test.TestKafka;
import io.outboxkit.writer.OutboxSchema;
import io.outboxkit.writer.OutboxWriter;
import io.outboxkit.core.WriteMode;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

/**
 * Gaps in the stream that PostgreSQL does not report (table mode): the outbox table leaves the publication,
 * the publication is dropped, the slot is created after rows were written or dropped while the relay is
 * stopped. Events are written before, during and after each; the relay's status says what happened and
 * what to do, and after the repair every event is on its topic: none lost, duplicates counted.
 */
@OutboxIntegrationTest
class StreamGapsIT {

  private static final int BATCH = 100;

  @Test
  void anOutboxTableThatLeftThePublicationFailsTheRelayAndIsRecoveredAfterTheRepair(TestDatabase db,
      TestKafka kafka) throws Exception {
    tableLeftThePublication(db, kafka);
  }

  static void tableLeftThePublication(TestDatabase db, TestKafka kafka) throws Exception {
    RelayFixture.installSchema(db);
    String prefix = kafka.newTopic("left") + ".";
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    Set<String> written = new LinkedHashSet<>();
    try (OutboxRelay relay = fastRelay(db, kafka, prefix).meterRegistry(registry).build()) {
      startAndDeliver(relay, db, kafka, prefix, WriteMode.TABLE, written); // a heartbeat came back after these events

      db.execute("ALTER PUBLICATION outboxkit DROP TABLE public.outbox_event");
      written.addAll(write(db, "during", BATCH));
      RelayStatus failed = awaitState(relay, RelayState.FAILED);
      assertThat(failed.healthy()).isFalse();
      assertThat(failed.reason()).contains("left publication outboxkit")
          .contains("ALTER PUBLICATION outboxkit ADD TABLE \"public\".\"outbox_event\"");
      written.addAll(write(db, "still out", BATCH));

      db.execute("ALTER PUBLICATION outboxkit ADD TABLE public.outbox_event");
      awaitState(relay, RelayState.ACTIVE); // by itself, after reading what the stream missed
      written.addAll(write(db, "after", BATCH));
      Map<String, Integer> copies = awaitPublished(kafka, prefix, written);
      report("table left the publication", written, copies,
          registry.get("outboxkit.relay.recovered").counter().count());
      assertThat(registry.get("outboxkit.relay.recovered").counter().count())
          .as("the events written while the table was out were read again").isGreaterThanOrEqualTo(2 * BATCH);
    }
  }

  @Test
  void aRestartThatPutsTheTableBackDeliversTheEventsWrittenWhileItWasOut(TestDatabase db, TestKafka kafka)
      throws Exception {
    RelayFixture.installSchema(db);
    String prefix = kafka.newTopic("left-restart") + ".";
    Set<String> written = new LinkedHashSet<>();
    try (OutboxRelay relay = fastRelay(db, kafka, prefix).build()) {
      startAndDeliver(relay, db, kafka, prefix, WriteMode.TABLE, written);
      relay.close();

      db.execute("ALTER PUBLICATION outboxkit DROP TABLE public.outbox_event");
      written.addAll(write(db, "while stopped", BATCH));
      relay.start(); // puts the table back, as before; now also reads what was written meanwhile
      RelayFixture.awaitActive(relay);
      written.addAll(write(db, "after", BATCH));
      report("restart after the table left", written, awaitPublished(kafka, prefix, written), -1);
    }
  }

  @Test
  void aDroppedPublicationFailsTheRelayAndAfterItIsCreatedAgainNothingIsLost(TestDatabase db, TestKafka kafka)
      throws Exception {
    publicationDropped(db, kafka);
  }

  static void publicationDropped(TestDatabase db, TestKafka kafka) throws Exception {
    RelayFixture.installSchema(db);
    String prefix = kafka.newTopic("dropped") + ".";
    Set<String> written = new LinkedHashSet<>();
    try (OutboxRelay relay = fastRelay(db, kafka, prefix).build()) {
      startAndDeliver(relay, db, kafka, prefix, WriteMode.TABLE, written);

      db.execute("DROP PUBLICATION outboxkit");
      written.addAll(write(db, "during", BATCH));
      RelayStatus failed = awaitState(relay, RelayState.FAILED);
      assertThat(failed.reason()).contains("publication outboxkit was dropped").contains("CREATE PUBLICATION outboxkit");

      db.execute("CREATE PUBLICATION outboxkit FOR TABLE public.outbox_event, public.outboxkit_relay_heartbeat"
          + " WITH (publish = 'insert')");
      awaitState(relay, RelayState.ACTIVE);
      written.addAll(write(db, "after", BATCH));
      report("publication dropped", written, awaitPublished(kafka, prefix, written), -1);
    }
  }

  @Test
  void inWalMessageModeADroppedPublicationIsRepairedAndTheLostRangeReported(TestDatabase db, TestKafka kafka)
      throws Exception {
    walMessagesPublicationDropped(db, kafka);
  }

  static void walMessagesPublicationDropped(TestDatabase db, TestKafka kafka) throws Exception {
    RelayFixture.installSchema(db);
    String prefix = kafka.newTopic("wal-dropped") + ".";
    Set<String> before = new LinkedHashSet<>();
    try (OutboxRelay relay = fastRelay(db, kafka, prefix).mode(WriteMode.WAL_MESSAGE).build()) {
      startAndDeliver(relay, db, kafka, prefix, WriteMode.WAL_MESSAGE, before);

      db.execute("DROP PUBLICATION outboxkit");
      write(db, WriteMode.WAL_MESSAGE, "during", BATCH);
      RelayStatus failed = awaitState(relay, RelayState.FAILED);
      assertThat(failed.reason()).contains("publication outboxkit was dropped")
          .contains("reports the WAL range whose messages are lost");

      db.execute("CREATE PUBLICATION outboxkit FOR TABLE public.outboxkit_relay_heartbeat WITH (publish = 'insert')");
      RelayStatus active = awaitState(relay, RelayState.ACTIVE);
      assertThat(active.reason()).as("what could not be recovered, with its WAL range")
          .containsPattern("WAL messages committed between positions [0-9A-F]+/[0-9A-F]+ and [0-9A-F]+/[0-9A-F]+ were "
              + "not delivered and cannot be");
      Set<String> after = new LinkedHashSet<>(write(db, WriteMode.WAL_MESSAGE, "after", BATCH));
      Map<String, Integer> copies = awaitPublished(kafka, prefix, after);
      System.out.printf("stream gaps, WAL messages, publication dropped: %d of %d events written after the repair "
          + "delivered; reported: %s%n", after.stream().filter(copies::containsKey).count(), after.size(),
          active.reason());
    }
  }

  @Test
  void eventsWrittenBeforeTheSlotExistedAreDeliveredOnTheFirstStart(TestDatabase db, TestKafka kafka)
      throws Exception {
    OutboxSchema.builder().replicationSlot(db.name()).createReplicationSlot(false).build().install(db.dataSource());
    String prefix = kafka.newTopic("no-slot") + ".";
    Set<String> written = new LinkedHashSet<>(write(db, "before the slot", BATCH));
    try (OutboxRelay relay = fastRelay(db, kafka, prefix).build()) {
      relay.start();
      RelayFixture.awaitActive(relay);
      written.addAll(write(db, "after", BATCH));
      Map<String, Integer> copies = awaitPublished(kafka, prefix, written);
      report("slot created after rows were written", written, copies, -1);
      assertThat(duplicates(copies)).as("rows written after the slot's creation come through the stream only")
          .isZero();
    }
  }

  @Test
  void aSlotPreparedBeforeTheFirstEventsSendsEachEventOnce(TestDatabase db, TestKafka kafka) throws Exception {
    OutboxSchema.builder().replicationSlot(db.name()).createReplicationSlot(false).build().install(db.dataSource());
    String prefix = kafka.newTopic("prepared") + ".";
    try (OutboxRelay relay = fastRelay(db, kafka, prefix).build()) {
      relay.prepareReplication(); // creates the slot with an empty outbox table
      Set<String> written = new LinkedHashSet<>(write(db, "after the slot, before the start", BATCH));
      relay.start();
      RelayFixture.awaitActive(relay);
      written.addAll(write(db, "after the start", BATCH));
      Map<String, Integer> copies = awaitPublished(kafka, prefix, written);
      report("slot prepared before the first events", written, copies, -1);
      assertThat(duplicates(copies)).as("events in the slot's stream are not read from the table too").isZero();
    }
  }

  @Test
  void aSlotDroppedWhileTheRelayWasStoppedIsCreatedAgainAndTheGapFilled(TestDatabase db, TestKafka kafka)
      throws Exception {
    RelayFixture.installSchema(db);
    String prefix = kafka.newTopic("slot-dropped") + ".";
    Set<String> written = new LinkedHashSet<>();
    try (OutboxRelay relay = fastRelay(db, kafka, prefix).build()) {
      startAndDeliver(relay, db, kafka, prefix, WriteMode.TABLE, written);
      relay.close();

      // the WAL sender of the closed relay may still be ending: a slot in use cannot be dropped
      await("slot released").atMost(RelayFixture.TIMEOUT).pollInterval(Duration.ofMillis(100))
          .until(() -> db.queryColumn("SELECT active FROM pg_replication_slots WHERE slot_name = '" + db.name() + "'")
              .equals(List.of("f")));
      db.execute("SELECT pg_drop_replication_slot('" + db.name() + "')");
      written.addAll(write(db, "without a slot", BATCH));
      relay.start();
      RelayFixture.awaitActive(relay);
      written.addAll(write(db, "after", BATCH));
      Map<String, Integer> copies = awaitPublished(kafka, prefix, written);
      report("slot dropped while stopped", written, copies, -1);
      assertThat(duplicates(copies)).as("only the rows written without a slot are read again").isZero();
    }
  }

  /**
   * Starts the relay, writes events and waits until they are on the topic and a heartbeat came back after
   * them (the watermark is stored); adds their ids to {@code written}.
   */
  private static void startAndDeliver(OutboxRelay relay, TestDatabase db, TestKafka kafka, String prefix,
      WriteMode mode, Set<String> written) throws Exception {
    relay.start();
    RelayFixture.awaitActive(relay);
    written.addAll(write(db, mode, "before", BATCH));
    awaitPublished(kafka, prefix, written);
    awaitWatermark(db);
  }

  /** A relay with a heartbeat every second, so that the watermark moves within a test's time. */
  static OutboxRelay.Builder fastRelay(TestDatabase db, TestKafka kafka, String prefix) {
    return RelayFixture.relay(db, kafka, prefix).heartbeatInterval(Duration.ofSeconds(1))
        .stallTimeout(Duration.ofSeconds(5));
  }

  /** Writes {@code count} events of aggregate type order, ten per transaction; returns their ids. */
  static List<String> write(TestDatabase db, String phase, int count) throws Exception {
    return write(db, WriteMode.TABLE, phase, count);
  }

  static List<String> write(TestDatabase db, WriteMode mode, String phase, int count) throws Exception {
    OutboxWriter writer = RelayFixture.writer(db, mode);
    List<String> ids = new ArrayList<>();
    try (Connection connection = db.openConnection()) {
      connection.setAutoCommit(false);
      for (int i = 0; i < count; i++) {
        UUID id = writer.publish(connection, OutboxEvent.of("order", "o-" + (i % 7), "OrderCreated",
            "{\"phase\":\"" + phase + "\",\"n\":" + i + "}"));
        ids.add(id.toString());
        if (i % 10 == 9) {
          connection.commit();
        }
      }
      connection.commit();
    }
    return ids;
  }

  /** Waits until every written id is on the topic; returns how many copies of each arrived. */
  static Map<String, Integer> awaitPublished(TestKafka kafka, String prefix, Set<String> written) {
    List<ConsumerRecord<byte[], byte[]>> records = kafka.readRecordsUntil(prefix + "order",
        all -> ids(all).keySet().containsAll(written), RelayFixture.TIMEOUT);
    return ids(records);
  }

  private static Map<String, Integer> ids(List<ConsumerRecord<byte[], byte[]>> records) {
    Map<String, Integer> copies = new HashMap<>();
    records.forEach(r -> copies.merge(RelayFixture.header(r, OutboxHeaders.ID), 1, Integer::sum));
    return copies;
  }

  /**
   * Waits until a heartbeat written after every transaction committed so far came back and the relay stored
   * its watermark: a watermark from an earlier heartbeat would still lie below the events just written.
   */
  static void awaitWatermark(TestDatabase db) throws SQLException {
    String written = db.queryColumn("SELECT pg_catalog.pg_snapshot_xmax(pg_catalog.pg_current_snapshot())::text")
        .get(0);
    await("watermark stored").atMost(RelayFixture.TIMEOUT).pollInterval(Duration.ofMillis(200))
        .until(() -> !db.queryColumn("SELECT delivered_below_xid FROM public.outboxkit_relay_watermark"
            + " WHERE slot_name = '" + db.name() + "' AND delivered_below_xid >= " + written).isEmpty());
  }

  static RelayStatus awaitState(OutboxRelay relay, RelayState state) {
    await("relay " + state).atMost(RelayFixture.TIMEOUT).pollInterval(Duration.ofMillis(100))
        .until(() -> relay.status().state() == state);
    return relay.status();
  }

  private static int duplicates(Map<String, Integer> copies) {
    return copies.values().stream().mapToInt(n -> n - 1).sum();
  }

  private static void report(String scenario, Set<String> written, Map<String, Integer> copies, double recovered) {
    int duplicates = duplicates(copies);
    long missing = written.stream().filter(id -> !copies.containsKey(id)).count();
    System.out.printf("stream gaps, %s: %d events written, %d missing, %d duplicates%s%n", scenario, written.size(),
        missing, duplicates, recovered < 0 ? "" : String.format(", %.0f read again", recovered));
    assertThat(missing).isZero();
  }
}
