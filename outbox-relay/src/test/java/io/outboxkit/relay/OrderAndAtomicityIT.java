package io.outboxkit.relay;

import static org.assertj.core.api.Assertions.assertThat;

import io.outboxkit.core.OutboxEvent;
import io.outboxkit.core.OutboxHeaders;
import io.outboxkit.test.OutboxIntegrationTest;
import io.outboxkit.test.TestDatabase;
import io.outboxkit.test.TestKafka;
import io.outboxkit.writer.OutboxWriter;
import io.outboxkit.core.WriteMode;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

/** Guarantees 1 and 3: only committed events, in commit order per aggregate, on a multi-partition topic. */
@OutboxIntegrationTest
class OrderAndAtomicityIT {

  @Test
  void orderPerAggregateIsKeptOnAMultiPartitionTopic(TestDatabase db, TestKafka kafka) throws Exception {
    RelayFixture.installSchema(db);
    String prefix = kafka.newTopic("order") + ".";
    String topic = prefix + "counter";
    kafka.createTopic(topic, 6);
    EventLoad load = new EventLoad(EventLoad.count("outboxkit.relay.orderEvents", 5000), 40, 25, "counter");

    try (OutboxRelay relay = RelayFixture.relay(db, kafka, prefix).build()) {
      relay.start();
      RelayFixture.awaitActive(relay);
      long start = System.nanoTime();
      load.write(db, RelayFixture.writer(db, WriteMode.TABLE));
      List<ConsumerRecord<byte[], byte[]>> records =
          RelayFixture.readUntil(kafka, List.of(topic), load::allArrived, RelayFixture.TIMEOUT);
      long millis = (System.nanoTime() - start) / 1_000_000;
      EventLoad.Outcome outcome = load.check(records);
      Set<Integer> partitions = new HashSet<>();
      records.forEach(r -> partitions.add(r.partition()));
      System.out.printf("order: %d events of %d aggregates on %d partitions in %d ms (write + relay): "
              + "%d records, %d duplicates, %d missing, %d order violations%n",
          load.events, load.aggregates, partitions.size(), millis, outcome.records(), outcome.duplicates(),
          outcome.missing(), outcome.orderViolations());
      assertThat(outcome.missing()).isZero();
      assertThat(outcome.orderViolations()).isZero();
      assertThat(partitions).hasSizeGreaterThan(1);
    }
  }

  @Test
  void rolledBackEventsNeverAppear(TestDatabase db, TestKafka kafka) throws Exception {
    RelayFixture.installSchema(db);
    String prefix = kafka.newTopic("rollback") + ".";
    String topic = prefix + "order";
    OutboxWriter writer = RelayFixture.writer(db, WriteMode.TABLE);
    Set<String> committed = new HashSet<>();
    Set<String> rolledBack = new HashSet<>();

    try (OutboxRelay relay = RelayFixture.relay(db, kafka, prefix).build()) {
      relay.start();
      RelayFixture.awaitActive(relay);
      try (Connection connection = db.openConnection()) {
        connection.setAutoCommit(false);
        for (int tx = 0; tx < 60; tx++) {
          List<String> ids = new ArrayList<>();
          for (int i = 0; i < 5; i++) {
            ids.add(writer.publish(connection, OutboxEvent.of("order", "o-" + (tx % 7), "OrderChanged",
                "{\"tx\": " + tx + "}")).toString());
          }
          if (tx % 3 == 1) {
            connection.rollback();
            rolledBack.addAll(ids);
          } else {
            connection.commit();
            committed.addAll(ids);
          }
        }
        // a savepoint rolled back inside a committed transaction: its event must not appear either
        String kept = writer.publish(connection, OutboxEvent.of("order", "o-sp", "Kept", "{}")).toString();
        var savepoint = connection.setSavepoint();
        String undone = writer.publish(connection, OutboxEvent.of("order", "o-sp", "Undone", "{}")).toString();
        connection.rollback(savepoint);
        connection.commit();
        committed.add(kept);
        rolledBack.add(undone);
      }
      List<ConsumerRecord<byte[], byte[]>> records = RelayFixture.readUntil(kafka, List.of(topic),
          r -> ids(r).containsAll(committed), RelayFixture.TIMEOUT);
      Set<String> arrived = ids(records);
      System.out.printf("rollback: %d committed events published, %d rolled-back events: %d of them published%n",
          committed.size(), rolledBack.size(), rolledBack.stream().filter(arrived::contains).count());
      assertThat(arrived).containsAll(committed);
      assertThat(arrived).doesNotContainAnyElementsOf(rolledBack);
      assertThat(arrived).hasSize(committed.size());
    }
  }

  private static Set<String> ids(List<ConsumerRecord<byte[], byte[]>> records) {
    Set<String> ids = new HashSet<>();
    records.forEach(r -> ids.add(RelayFixture.header(r, OutboxHeaders.ID)));
    return ids;
  }
}
