package io.outboxkit.connect;

import static org.awaitility.Awaitility.await;

import io.outboxkit.core.OutboxHeaders;
import io.outboxkit.relay.OutboxRelay;
import io.outboxkit.relay.RelayState;
import io.outboxkit.relay.RelayStatus;
import io.outboxkit.test.TestDatabase;
import io.outboxkit.test.TestKafka;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;

/** Shared steps of the Kafka Connect tests. */
final class ConnectFixture {

  static final Duration TIMEOUT = Duration.ofSeconds(90);

  private ConnectFixture() {
  }

  /** A relay builder for the test's database and broker, on {@code slot}. */
  static OutboxRelay.Builder relay(TestDatabase db, TestKafka kafka, String slot, String topicPrefix) {
    return OutboxRelay.builder()
        .database(db.host(), db.port(), db.name())
        .username(db.username())
        .password(db.password())
        .replicationSlot(slot)
        .topicPrefix(topicPrefix)
        .bootstrapServers(kafka.bootstrapServers());
  }

  static void awaitActive(OutboxRelay relay) {
    await("relay ACTIVE").atMost(TIMEOUT).pollInterval(Duration.ofMillis(100)).until(() -> {
      RelayStatus status = relay.status();
      if (status.state() == RelayState.FAILED) {
        throw new AssertionError("relay failed: " + status.reason());
      }
      return status.state() == RelayState.ACTIVE;
    });
  }

  /** Waits until no process streams from {@code slot} (its WAL sender has gone). */
  static void awaitSlotReleased(TestDatabase db, String slot) {
    await("slot " + slot + " released").atMost(TIMEOUT).pollInterval(Duration.ofMillis(100)).until(() -> {
      try (Connection connection = db.openConnection();
          PreparedStatement select = connection.prepareStatement(
              "SELECT active FROM pg_catalog.pg_replication_slots WHERE slot_name = ?")) {
        select.setString(1, slot);
        try (ResultSet row = select.executeQuery()) {
          return row.next() && !row.getBoolean(1);
        }
      }
    });
  }

  /** Reads {@code topic} from the beginning until every id of {@code ids} arrived; returns all records read. */
  static List<ConsumerRecord<byte[], byte[]>> readAll(TestKafka kafka, String topic, Collection<String> ids) {
    Set<String> expected = Set.copyOf(ids);
    return kafka.readRecordsUntil(topic, records -> {
      Set<String> arrived = new HashSet<>();
      records.forEach(r -> arrived.add(header(r, OutboxHeaders.ID)));
      return arrived.containsAll(expected);
    }, TIMEOUT);
  }

  static String header(ConsumerRecord<byte[], byte[]> record, String name) {
    Header header = record.headers().lastHeader(name);
    return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
  }

  static List<String> headerNames(ConsumerRecord<byte[], byte[]> record) {
    List<String> names = new ArrayList<>();
    record.headers().forEach(h -> names.add(h.key()));
    return names;
  }

  static String text(byte[] bytes) {
    return bytes == null ? null : new String(bytes, StandardCharsets.UTF_8);
  }
}
