package io.outboxkit.relay;

import static org.assertj.core.api.Assertions.assertThat;

import io.outboxkit.core.OutboxEvent;
import io.outboxkit.core.OutboxHeaders;
import io.outboxkit.test.OutboxIntegrationTest;
import io.outboxkit.test.TestDatabase;
import io.outboxkit.test.TestKafka;
import io.outboxkit.writer.OutboxSchema;
import io.outboxkit.writer.OutboxWriter;
import io.outboxkit.core.WriteMode;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

/**
 * Events committed after the schema was installed but before the relay's very first start are published:
 * the slot (created with the schema, or by {@link OutboxRelay#prepareReplication()}) keeps them.
 */
@OutboxIntegrationTest
class BeforeFirstStartIT {

  private static final int EVENTS = 300;

  @Test
  void eventsWrittenBetweenSchemaInstallAndFirstStartArePublished(TestDatabase db, TestKafka kafka) throws Exception {
    RelayFixture.installSchema(db); // outbox-writer's installer: table, publication and slot
    String prefix = kafka.newTopic("early") + ".";
    Set<String> written = write(db, RelayFixture.writer(db, WriteMode.TABLE), EVENTS);

    try (OutboxRelay relay = RelayFixture.relay(db, kafka, prefix).build()) {
      relay.start();
      assertAllPublished(kafka, prefix + "order", written);
    }
  }

  @Test
  void prepareReplicationKeepsEventsWrittenBeforeTheFirstStart(TestDatabase db, TestKafka kafka) throws Exception {
    OutboxSchema.builder().replicationSlot(db.name()).createReplicationSlot(false).build().install(db.dataSource());
    String prefix = kafka.newTopic("prepared") + ".";
    OutboxRelay relay = RelayFixture.relay(db, kafka, prefix).build();
    relay.prepareReplication();
    Set<String> written = write(db, RelayFixture.writer(db, WriteMode.TABLE_DELETE_AFTER_INSERT), EVENTS);
    try (relay) {
      relay.start();
      assertAllPublished(kafka, prefix + "order", written);
    }
  }

  private static Set<String> write(TestDatabase db, OutboxWriter writer, int count) throws Exception {
    Set<String> ids = new HashSet<>();
    try (Connection connection = db.openConnection()) {
      connection.setAutoCommit(false);
      for (int i = 0; i < count; i++) {
        UUID id = writer.publish(connection, OutboxEvent.of("order", "o-" + (i % 10), "OrderCreated",
            "{\"n\":" + i + "}"));
        ids.add(id.toString());
        if (i % 50 == 49) {
          connection.commit();
        }
      }
      connection.commit();
    }
    return ids;
  }

  private static void assertAllPublished(TestKafka kafka, String topic, Set<String> written) {
    List<ConsumerRecord<byte[], byte[]>> records = kafka.readRecords(topic, written.size(), RelayFixture.TIMEOUT);
    List<String> ids = new ArrayList<>();
    records.forEach(r -> ids.add(RelayFixture.header(r, OutboxHeaders.ID)));
    assertThat(new HashSet<>(ids)).isEqualTo(written);
    System.out.printf("before first start: %d of %d events written before the relay's first start published%n",
        new HashSet<>(ids).size(), written.size());
  }
}
