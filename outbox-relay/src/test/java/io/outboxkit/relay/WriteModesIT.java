package io.outboxkit.relay;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.outboxkit.core.OutboxEvent;
import io.outboxkit.core.OutboxHeaders;
import io.outboxkit.test.OutboxIntegrationTest;
import io.outboxkit.test.TestDatabase;
import io.outboxkit.test.TestKafka;
import io.outboxkit.writer.OutboxWriter;
import io.outboxkit.core.WriteMode;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.Test;

/**
 * The writer's three modes (table, delete-after-insert, WAL message) give the same records: topic, key,
 * headers, and the value as a JSON document (byte for byte between the two table modes).
 */
@OutboxIntegrationTest
class WriteModesIT {

  private static final ObjectMapper JSON = new ObjectMapper();

  private static final List<Object> PAYLOADS = List.of(
      "{\"orderId\": \"o-1\", \"total\": 10.50, \"lines\": [{\"sku\": \"a\", \"qty\": 2}], \"note\": null}",
      "{\"empty\": [], \"mixed\": [1, \"two\", null, true], \"big\": 123456789012345678901234567890}",
      "[1, 2, 3]",
      "\"a string\"",
      "{\"unicode\": \"grüße ✓ 日本\", \"escaped\": \"line\\nbreak\"}",
      Map.of("answer", 42));

  @Test
  void allWriteModesProduceTheSameRecords(TestDatabase tableDb, TestDatabase deleteDb, TestDatabase walDb,
      TestKafka kafka) throws Exception {
    int events = assertAllWriteModesProduceTheSameRecords(tableDb, deleteDb, walDb, kafka);
    System.out.printf("write modes: %d events each in TABLE, TABLE_DELETE_AFTER_INSERT and WAL_MESSAGE mode: "
        + "same topics, keys, headers and JSON values%n", events);
  }

  /**
   * Installs the writer's schema in each database, relays the same events written in each mode (one database
   * per mode) and checks the records against those of table mode; returns the number of events per mode.
   */
  static int assertAllWriteModesProduceTheSameRecords(TestDatabase tableDb, TestDatabase deleteDb,
      TestDatabase walDb, TestKafka kafka) throws Exception {
    Map<WriteMode, List<ConsumerRecord<byte[], byte[]>>> results = new LinkedHashMap<>();
    Map<WriteMode, List<UUID>> ids = new LinkedHashMap<>();
    Map<WriteMode, String> prefixes = new LinkedHashMap<>();
    Map<WriteMode, TestDatabase> databases = Map.of(
        WriteMode.TABLE, tableDb, WriteMode.TABLE_DELETE_AFTER_INSERT, deleteDb, WriteMode.WAL_MESSAGE, walDb);

    for (WriteMode mode : List.of(WriteMode.TABLE, WriteMode.TABLE_DELETE_AFTER_INSERT, WriteMode.WAL_MESSAGE)) {
      TestDatabase db = databases.get(mode);
      RelayFixture.installSchema(db);
      String prefix = kafka.newTopic(mode.name().toLowerCase()) + ".";
      prefixes.put(mode, prefix);
      OutboxRelay.Builder builder = RelayFixture.relay(db, kafka, prefix).mode(mode);
      try (OutboxRelay relay = builder.build()) {
        relay.start();
        RelayFixture.awaitActive(relay);
        OutboxWriter writer = RelayFixture.writer(db, mode);
        List<UUID> written = new ArrayList<>();
        try (Connection connection = db.openConnection()) {
          connection.setAutoCommit(false);
          for (int i = 0; i < PAYLOADS.size(); i++) {
            OutboxEvent event = new OutboxEvent("order", "o-" + i, "OrderCreated", PAYLOADS.get(i),
                i % 2 == 0 ? Map.of("tenant", "acme", "source", "web") : Map.of());
            written.add(writer.publish(connection, event));
          }
          written.add(writer.publish(connection, OutboxEvent.of("order", "o-null", "OrderDeleted", null)));
          connection.commit();
        }
        ids.put(mode, written);
        results.put(mode, kafka.readRecords(prefix + "order", written.size(), RelayFixture.TIMEOUT));
      }
      if (mode == WriteMode.TABLE_DELETE_AFTER_INSERT) {
        assertThat(count(db)).as("rows left in the outbox table in delete-after-insert mode").isZero();
      }
    }

    List<ConsumerRecord<byte[], byte[]>> reference = results.get(WriteMode.TABLE);
    for (WriteMode mode : results.keySet()) {
      List<ConsumerRecord<byte[], byte[]>> records = results.get(mode);
      assertThat(records).as(mode.name()).hasSize(reference.size());
      for (int i = 0; i < records.size(); i++) {
        ConsumerRecord<byte[], byte[]> expected = reference.get(i);
        ConsumerRecord<byte[], byte[]> actual = records.get(i);
        String what = mode + " record " + i;
        assertThat(actual.topic().substring(prefixes.get(mode).length())).as(what).isEqualTo("order");
        assertThat(actual.key()).as(what).isEqualTo(expected.key());
        assertThat(RelayFixture.header(actual, OutboxHeaders.ID)).as(what)
            .isEqualTo(ids.get(mode).get(i).toString());
        assertThat(headersWithoutId(actual)).as(what).isEqualTo(headersWithoutId(expected));
        if (expected.value() == null) {
          assertThat(actual.value()).as(what).isNull();
        } else {
          assertThat(json(actual.value())).as(what).isEqualTo(json(expected.value()));
          if (mode == WriteMode.TABLE_DELETE_AFTER_INSERT) {
            assertThat(actual.value()).as(what + " bytes").isEqualTo(expected.value());
          }
        }
      }
    }
    return reference.size();
  }

  private static Map<String, String> headersWithoutId(ConsumerRecord<byte[], byte[]> record) {
    Map<String, String> headers = new java.util.TreeMap<>();
    for (Header header : record.headers()) {
      if (!header.key().equals(OutboxHeaders.ID)) {
        headers.put(header.key(), RelayFixture.text(header.value()));
      }
    }
    return headers;
  }

  private static JsonNode json(byte[] value) throws Exception {
    return JSON.readTree(value);
  }

  private static long count(TestDatabase db) throws Exception {
    try (Connection connection = db.openConnection();
        var statement = connection.createStatement();
        var row = statement.executeQuery("SELECT count(*) FROM outbox_event")) {
      row.next();
      return row.getLong(1);
    }
  }
}
