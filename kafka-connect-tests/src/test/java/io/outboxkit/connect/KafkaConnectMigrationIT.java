package io.outboxkit.connect;

import static io.outboxkit.connect.ConnectFixture.header;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.outboxkit.core.OutboxEvent;
import io.outboxkit.core.OutboxHeaders;
import io.outboxkit.core.WriteMode;
import io.outboxkit.relay.KafkaConnectConfig;
import io.outboxkit.relay.OutboxRelay;
import io.outboxkit.test.OutboxIntegrationTest;
import io.outboxkit.test.TestDatabase;
import io.outboxkit.test.TestKafka;
import io.outboxkit.writer.OutboxSchema;
import io.outboxkit.writer.OutboxWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The move the relay's README describes, under load: a writer commits events all along while the relay
 * streams, the relay is closed, Debezium's connector on a Kafka Connect worker takes the same slot and
 * publication (deployed with the REST body {@link KafkaConnectConfig#toJson()} generates), the connector is
 * stopped, and a relay takes the slot back. Nothing is lost, the order per key holds, and the events sent
 * twice are counted per hand-over.
 */
@OutboxIntegrationTest
class KafkaConnectMigrationIT {

  private static final Pattern SEQ = Pattern.compile("\"seq\": ?(\\d+)");
  private static final int KEYS = 10;
  private static final int PER_TRANSACTION = 5;
  /** Events each phase streams (at least) before the next hand-over. */
  private static final int PER_PHASE = 400;

  @Test
  void relayToConnectAndBackUnderLoadLosesNothing(TestDatabase db, TestKafka kafka, @TempDir Path dir)
      throws Exception {
    String slot = db.name();
    String prefix = kafka.newTopic("move") + ".";
    String topic = prefix + "order";
    OutboxSchema.builder().replicationSlot(slot).build().install(db.dataSource());
    OutboxRelay.Builder settings = ConnectFixture.relay(db, kafka, slot, prefix);
    Load load = new Load(OutboxWriter.builder(db.dataSource()).mode(WriteMode.TABLE).build());

    try (ConnectWorker worker = ConnectWorker.start(kafka.bootstrapServers(), dir)) {
      String passwordReference = worker.passwordReference(db.password());
      KafkaConnectConfig connector = KafkaConnectConfig.of(settings, passwordReference);

      // 1. the relay streams while the writer writes
      OutboxRelay relay = settings.build();
      relay.start();
      ConnectFixture.awaitActive(relay);
      CompletableFuture<Void> writing = CompletableFuture.runAsync(() -> load.run(db));
      ConnectFixture.readAll(kafka, topic, load.committedAfter(PER_PHASE));
      relay.close();
      int atFirstHandOver = load.committed();
      Map<TopicPartition, Long> relayEnd = endOffsets(kafka, topic);

      // 2. the connector on the same slot and publication, deployed through the REST API
      long handOver = System.nanoTime();
      worker.deployWithRest(connector);
      worker.awaitRunning(connector.name());
      // the worker keeps the reference; its config provider reads the password when the task starts
      assertThat(worker.config(connector.name()).path("database.password").asText()).isEqualTo(passwordReference);
      ConnectFixture.readAll(kafka, topic, load.committedAfter(atFirstHandOver + PER_PHASE));
      long connectTook = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - handOver);
      worker.stop(connector.name());
      worker.resetOffsets(connector.name()); // so that a later move to Connect starts at the slot's position
      ConnectFixture.awaitSlotReleased(db, slot);
      int atSecondHandOver = load.committed();
      Map<TopicPartition, Long> connectEnd = endOffsets(kafka, topic);

      // 3. a relay again: the slot moved past its stored position while the connector streamed, so it forgets
      // that position and starts at the slot's
      try (OutboxRelay again = settings.build()) {
        again.start();
        ConnectFixture.awaitActive(again);
        ConnectFixture.readAll(kafka, topic, load.committedAfter(atSecondHandOver + PER_PHASE));
        load.stop();
        writing.get(ConnectFixture.TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        List<ConsumerRecord<byte[], byte[]>> records = ConnectFixture.readAll(kafka, topic, load.ids());

        Outcome outcome = check(records, load, relayEnd, connectEnd);
        System.out.printf("relay -> Kafka Connect -> relay under load: %d events committed (%d before the first "
                + "hand-over, %d before the second), %d records, %d missing, %d out of order; sent twice: %d at "
                + "relay -> Connect (of %d transaction(s)), %d at Connect -> relay (of %d transaction(s)), %d other; "
                + "the connector ran %d ms from its deployment%n",
            load.committed(), atFirstHandOver, atSecondHandOver, records.size(), outcome.missing,
            outcome.outOfOrder, outcome.duplicatesAtFirst, outcome.transactionsAtFirst, outcome.duplicatesAtSecond,
            outcome.transactionsAtSecond, outcome.otherDuplicates, connectTook);
        assertThat(outcome.missing).as("committed events never published").isZero();
        assertThat(outcome.outOfOrder).as("events out of order per key").isZero();
        assertThat(outcome.phases).as("records sent in each phase").allSatisfy(n -> assertThat(n).isPositive());
        // the relay's close confirms its position to the slot, where the connector starts: it sends the
        // transaction at that position again, at most
        assertThat(outcome.transactionsAtFirst).as("transactions sent again by the connector after the relay's close")
            .isLessThanOrEqualTo(1);
        // the connector's stop commits its offsets and confirms them to the slot, where the relay starts
        assertThat(outcome.transactionsAtSecond).as("transactions sent again by the relay after the connector's stop")
            .isLessThanOrEqualTo(1);
        assertThat(outcome.otherDuplicates).isZero();
      }
    } finally {
      load.stop();
    }
  }

  /** Writes events of {@link #KEYS} aggregates, {@link #PER_TRANSACTION} a transaction, until stopped. */
  private static final class Load {
    private final OutboxWriter writer;
    private final AtomicBoolean stop = new AtomicBoolean();
    private final List<String> committed = new ArrayList<>(); // guarded by this
    private final Map<String, Integer> transactionOf = new HashMap<>(); // guarded by this

    Load(OutboxWriter writer) {
      this.writer = writer;
    }

    void run(TestDatabase db) {
      int[] seq = new int[KEYS];
      int n = 0;
      try (Connection connection = db.openConnection()) {
        connection.setAutoCommit(false);
        while (!stop.get()) {
          List<String> pending = new ArrayList<>();
          for (int i = 0; i < PER_TRANSACTION; i++, n++) {
            int key = (n * 3 + n / KEYS) % KEYS;
            pending.add(writer.publish(connection, OutboxEvent.of("order", "order-" + key, "Counted",
                "{\"seq\": " + seq[key]++ + "}")).toString());
          }
          connection.commit();
          synchronized (this) {
            int transaction = committed.size() / PER_TRANSACTION;
            pending.forEach(id -> transactionOf.put(id, transaction));
            committed.addAll(pending);
          }
          // about 500 events a second: a steady load, not a backlog
          LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
        }
      } catch (Exception e) {
        throw new IllegalStateException("the writer failed after " + committed() + " events", e);
      }
    }

    /** The number of the transaction that committed the event {@code id}. */
    synchronized int transactionOf(String id) {
      return transactionOf.get(id);
    }

    synchronized int committed() {
      return committed.size();
    }

    synchronized List<String> ids() {
      return List.copyOf(committed);
    }

    /** The ids of the first {@code count} committed events, once that many are committed. */
    List<String> committedAfter(int count) {
      await("the writer commits " + count + " events").atMost(ConnectFixture.TIMEOUT)
          .pollInterval(Duration.ofMillis(50)).until(() -> committed() >= count);
      synchronized (this) {
        return List.copyOf(committed.subList(0, count));
      }
    }

    void stop() {
      stop.set(true);
    }
  }

  private record Outcome(int missing, int outOfOrder, int duplicatesAtFirst, int duplicatesAtSecond,
      int otherDuplicates, List<Integer> phases, int transactionsAtFirst, int transactionsAtSecond) {
  }

  /**
   * Which phase sent each record (by its offset against the end offsets at each hand-over), the duplicates per
   * hand-over (a second copy of an event sent in the phase after the one that sent it first), the missing
   * events and the order per key of first deliveries.
   */
  private static Outcome check(List<ConsumerRecord<byte[], byte[]>> records, Load load,
      Map<TopicPartition, Long> relayEnd, Map<TopicPartition, Long> connectEnd) {
    List<ConsumerRecord<byte[], byte[]>> sorted = new ArrayList<>(records);
    sorted.sort((a, b) -> a.partition() != b.partition() ? Integer.compare(a.partition(), b.partition())
        : Long.compare(a.offset(), b.offset()));
    Map<String, Integer> firstPhase = new HashMap<>();
    Map<String, Integer> lastSeq = new HashMap<>();
    int[] phases = new int[3];
    int outOfOrder = 0;
    int atFirst = 0;
    int atSecond = 0;
    int other = 0;
    Set<Integer> transactionsAtFirst = new HashSet<>();
    Set<Integer> transactionsAtSecond = new HashSet<>();
    for (ConsumerRecord<byte[], byte[]> record : sorted) {
      TopicPartition partition = new TopicPartition(record.topic(), record.partition());
      int phase = record.offset() < relayEnd.getOrDefault(partition, 0L) ? 0
          : record.offset() < connectEnd.getOrDefault(partition, 0L) ? 1 : 2;
      phases[phase]++;
      String id = header(record, OutboxHeaders.ID);
      Integer first = firstPhase.putIfAbsent(id, phase);
      if (first != null) {
        if (first == 0 && phase == 1) {
          atFirst++;
          transactionsAtFirst.add(load.transactionOf(id));
        } else if (first == 1 && phase == 2) {
          atSecond++;
          transactionsAtSecond.add(load.transactionOf(id));
        } else {
          other++;
        }
        continue;
      }
      Matcher matcher = SEQ.matcher(new String(record.value(), StandardCharsets.UTF_8));
      assertThat(matcher.find()).as("payload of %s", id).isTrue();
      int seq = Integer.parseInt(matcher.group(1));
      Integer previous = lastSeq.put(ConnectFixture.text(record.key()), seq);
      if (previous == null ? seq != 0 : seq != previous + 1) {
        outOfOrder++;
      }
    }
    List<String> missing = new ArrayList<>(load.ids());
    missing.removeAll(firstPhase.keySet());
    return new Outcome(missing.size(), outOfOrder, atFirst, atSecond, other, List.of(phases[0], phases[1], phases[2]),
        transactionsAtFirst.size(), transactionsAtSecond.size());
  }

  private static Map<TopicPartition, Long> endOffsets(TestKafka kafka, String topic) {
    Properties properties = new Properties();
    properties.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
    properties.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    properties.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(properties)) {
      List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
          .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
      return consumer.endOffsets(partitions, Duration.ofSeconds(30));
    }
  }
}
