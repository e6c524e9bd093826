package io.outboxkit.relay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.outboxkit.core.WriteMode;
import io.outboxkit.test.OutboxIntegrationTest;
import io.outboxkit.test.TestDatabase;
import io.outboxkit.test.TestKafka;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * A relay started on a slot that another client consumed past the relay's stored position (as a Kafka
 * Connect connector does after a move) forgets that position with one warning and starts at the slot's
 * position, instead of handing Debezium a position it refuses; a relay closed and started again with no
 * other client keeps its stored position.
 */
@OutboxIntegrationTest
class ConsumedSlotIT {

  private final ListAppender<ILoggingEvent> log = new ListAppender<>();
  private Level levelBefore;

  @BeforeEach
  void captureTheLog() {
    LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
    Logger logger = context.getLogger(StoredPosition.class);
    levelBefore = logger.getLevel();
    logger.setLevel(Level.INFO);
    log.setContext(context);
    log.start();
    logger.addAppender(log);
  }

  @AfterEach
  void releaseTheLog() {
    Logger logger = ((LoggerContext) LoggerFactory.getILoggerFactory()).getLogger(StoredPosition.class);
    logger.detachAppender(log);
    log.stop();
    logger.setLevel(levelBefore);
  }

  /** Runs a relay until every event of {@code load} has arrived, then closes it. */
  private static void publishThenClose(OutboxRelay.Builder builder, TestDatabase db, TestKafka kafka, String prefix,
      EventLoad load) throws Exception {
    try (OutboxRelay relay = builder.build()) {
      relay.start();
      RelayFixture.awaitActive(relay);
      load.write(db, RelayFixture.writer(db, WriteMode.TABLE));
      RelayFixture.readUntil(kafka, List.of(prefix + load.aggregateType), load::allArrived, RelayFixture.TIMEOUT);
    }
  }

  @Test
  void aSlotConsumedPastTheStoredPositionIsTakenUpAtTheSlotsPosition(TestDatabase db, TestKafka kafka)
      throws Exception {
    String slot = db.name();
    String prefix = topics(db, kafka, "consumed");
    EventLoad before = new EventLoad(300, 20, 10, "before");
    EventLoad consumed = new EventLoad(300, 20, 10, "consumed");
    EventLoad after = new EventLoad(300, 20, 10, "after");
    OutboxRelay.Builder builder = RelayFixture.relay(db, kafka, prefix);

    publishThenClose(builder, db, kafka, prefix, before);
    long stored = storedPosition(db, slot, "lsn_commit"); // what Debezium confirms to the slot
    long processed = storedPosition(db, slot, "lsn_proc"); // what Debezium holds against the slot's restart position
    assertThat(stored).as("the relay's stored position").isPositive();

    // another client consumes the slot past the stored position: events written meanwhile are its own
    consumed.write(db, RelayFixture.writer(db, WriteMode.TABLE));
    await("the slot's restart position past the relay's stored position, as Debezium refuses it")
        .atMost(RelayFixture.TIMEOUT).pollInterval(Duration.ofMillis(200)).until(() -> {
          execute(db, "CHECKPOINT"); // logs the running transactions, from which the slot's restart position moves
          try (Connection connection = db.openConnection(); PreparedStatement advance = connection.prepareStatement(
              "SELECT pg_replication_slot_advance(?, pg_current_wal_lsn())")) {
            advance.setString(1, slot);
            advance.execute();
          }
          return slotPosition(db, slot, "restart_lsn") > processed;
        });
    long confirmed = slotPosition(db, slot, "confirmed_flush_lsn");

    try (OutboxRelay next = builder.build()) {
      next.start();
      RelayFixture.awaitActive(next);
      after.write(db, RelayFixture.writer(db, WriteMode.TABLE));
      EventLoad.Outcome later = after.check(
          RelayFixture.readUntil(kafka, List.of(prefix + "after"), after::allArrived, RelayFixture.TIMEOUT));
      EventLoad.Outcome earlier = before.check(
          RelayFixture.readUntil(kafka, List.of(prefix + "before"), before::allArrived, RelayFixture.TIMEOUT));
      List<String> warnings = warnings(slot);
      System.out.printf("slot consumed past the stored position %s (restart position moved past it, confirmed %s): "
              + "%d events written afterwards -> %d records, %d missing; %d events before -> %d sent again; "
              + "warning: %s%n", Lsn.format(stored), Lsn.format(confirmed), after.events, later.records(),
          later.missing(), before.events, earlier.duplicates(), warnings);
      assertThat(later.missing()).as("events written after the slot was consumed, not published").isZero();
      assertThat(later.orderViolations()).isZero();
      assertThat(earlier.duplicates()).as("events before the close sent again").isZero();
      assertThat(warnings).singleElement().asString()
          .contains("slot " + slot, Lsn.format(stored), Lsn.format(confirmed), "another client consumed the slot",
              "nothing the slot still holds is lost");
    }
  }

  @Test
  void aRelayClosedAndStartedAgainWithNoOtherClientResumesAtItsStoredPosition(TestDatabase db, TestKafka kafka)
      throws Exception {
    String slot = db.name();
    String prefix = topics(db, kafka, "resumed");
    EventLoad before = new EventLoad(300, 20, 10, "before");
    EventLoad after = new EventLoad(300, 20, 10, "after");
    OutboxRelay.Builder builder = RelayFixture.relay(db, kafka, prefix);

    publishThenClose(builder, db, kafka, prefix, before);
    long stored = storedPosition(db, slot, "lsn_commit");
    long confirmed = slotPosition(db, slot, "confirmed_flush_lsn");
    assertThat(confirmed).as("the slot confirms what the relay stored").isEqualTo(stored);

    // written while the relay is closed: they come after the stored position
    after.write(db, RelayFixture.writer(db, WriteMode.TABLE));
    try (OutboxRelay next = builder.build()) {
      next.start();
      RelayFixture.awaitActive(next);
      EventLoad.Outcome later = after.check(
          RelayFixture.readUntil(kafka, List.of(prefix + "after"), after::allArrived, RelayFixture.TIMEOUT));
      EventLoad.Outcome earlier = before.check(
          RelayFixture.readUntil(kafka, List.of(prefix + "before"), before::allArrived, RelayFixture.TIMEOUT));
      System.out.printf("closed and started again, no other client: stored position %s, slot confirmed %s; "
              + "%d events written while closed -> %d records, %d missing; %d events before -> %d sent again%n",
          Lsn.format(stored), Lsn.format(confirmed), after.events, later.records(), later.missing(), before.events,
          earlier.duplicates());
      assertThat(later.missing()).isZero();
      assertThat(later.orderViolations()).isZero();
      assertThat(earlier.duplicates()).as("events before the close sent again").isZero();
      assertThat(warnings(slot)).as("stored position forgotten").isEmpty();
    }
  }

  /** Installs the outbox and creates the topics {@code <prefix>before}, {@code consumed} and {@code after}. */
  private static String topics(TestDatabase db, TestKafka kafka, String hint) {
    RelayFixture.installSchema(db);
    String prefix = kafka.newTopic(hint) + ".";
    for (String type : List.of("before", "consumed", "after")) {
      kafka.createTopic(prefix + type, 2);
    }
    return prefix;
  }

  private List<String> warnings(String slot) {
    return log.list.stream().filter(e -> e.getLevel() == Level.WARN)
        .map(ILoggingEvent::getFormattedMessage).filter(m -> m.contains("slot " + slot + ":")).toList();
  }

  /** A field of the relay's stored Debezium offset, as a number. */
  private static long storedPosition(TestDatabase db, String slot, String field) throws Exception {
    return queryLong(db, "SELECT (offset_value::jsonb ->> '" + field + "')::bigint FROM outboxkit_relay_offset"
        + " WHERE store_name = 'outboxkit-relay-" + slot + "'");
  }

  private static long slotPosition(TestDatabase db, String slot, String column) throws Exception {
    return queryLong(db, "SELECT pg_wal_lsn_diff(" + column + ", '0/0')::bigint FROM pg_replication_slots"
        + " WHERE slot_name = '" + slot + "'");
  }

  private static long queryLong(TestDatabase db, String sql) throws Exception {
    try (Connection connection = db.openConnection(); Statement statement = connection.createStatement();
        ResultSet row = statement.executeQuery(sql)) {
      assertThat(row.next()).as("a row for %s", sql).isTrue();
      return row.getLong(1);
    }
  }

  private static void execute(TestDatabase db, String sql) throws Exception {
    try (Connection connection = db.openConnection(); Statement statement = connection.createStatement()) {
      statement.execute(sql);
    }
  }
}
