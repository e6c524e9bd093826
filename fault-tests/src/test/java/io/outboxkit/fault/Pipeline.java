package io.outboxkit.fault;

import static org.awaitility.Awaitility.await;

import com.zaxxer.hikari.HikariDataSource;
import io.outboxkit.core.DeadLetterHeaders;
import io.outboxkit.core.OutboxEvent;
import io.outboxkit.core.OutboxHeaders;
import io.outboxkit.inbox.InboxSchema;
import io.outboxkit.inbox.kafka.InboxKafkaRunner;
import io.outboxkit.relay.OutboxRelay;
import io.outboxkit.test.TestDatabase;
import io.outboxkit.test.TestKafka;
import io.outboxkit.writer.OutboxSchema;
import io.outboxkit.writer.OutboxWriter;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * The whole pipeline of one scenario: the order service's database ({@code orders}: business rows, outbox,
 * slot), the billing service's database ({@code billing}: inbox and effects), topics of its own, and the
 * parts a scenario starts: writers, relay processes, consumers in this JVM or in processes of their own.
 * {@link #finish} stops the writers, waits until the consumers caught up, reconciles and prints the line.
 * Closing it stops and kills whatever is still running.
 */
final class Pipeline implements AutoCloseable {

  static final Duration DRAIN_TIMEOUT = Duration.ofSeconds(240);
  static final Duration RECOVERY_TIMEOUT = Duration.ofSeconds(240);
  static final Duration READ_TIMEOUT = Duration.ofSeconds(120);
  static final Duration SNAPSHOT_DELAY = Duration.ofSeconds(1);

  private final String name;
  private final FaultProfile profile;
  private final TestDatabase orders;
  private final TestDatabase billing;
  private final TestKafka kafka;
  private final String topicPrefix;
  private final String group;
  private final OutboxWriter writer;
  private final HikariDataSource consumerPool;
  private final PGSimpleDataSource writerDataSource;
  private final Deque<AutoCloseable> running = new ArrayDeque<>();
  private final List<OrderWriters> writers = new ArrayList<>();
  private final List<Long> recoveries = new ArrayList<>();
  private final Set<String> committedByHand = ConcurrentHashMap.newKeySet();
  private final Set<String> foreignApplied = ConcurrentHashMap.newKeySet();
  private final long startedNanos = System.nanoTime();
  private int faults;

  private Pipeline(String name, TestDatabase orders, TestDatabase billing, TestKafka kafka) {
    this.name = name;
    this.profile = FaultProfile.current();
    this.orders = orders;
    this.billing = billing;
    this.kafka = kafka;
    this.topicPrefix = kafka.newTopic(name) + ".";
    this.group = kafka.newGroupId();
    this.writer = OutboxWriter.builder(orders.dataSource()).build();
    this.consumerPool = BillingConsumers.pool(billing.jdbcUrl(), billing.username(), billing.password(),
        name + "-consumers");
    this.writerDataSource = new PGSimpleDataSource();
    writerDataSource.setURL(orders.jdbcUrl());
    writerDataSource.setUser(orders.username());
    writerDataSource.setPassword(orders.password());
    writerDataSource.setConnectTimeout(5);
    writerDataSource.setSocketTimeout(60);
  }

  /**
   * Installs the order service's schema (business table, outbox, publication and slot), the billing
   * service's (inbox and effects) and creates the event topic with {@code partitions} partitions.
   */
  static Pipeline create(String name, TestDatabase orders, TestDatabase billing, TestKafka kafka, int partitions) {
    Pipeline pipeline = new Pipeline(name, orders, billing, kafka);
    OutboxSchema.builder().replicationSlot(pipeline.slot()).build().install(orders.dataSource());
    runScript(orders, "orders.sql");
    InboxSchema.builder().build().install(billing.dataSource());
    runScript(billing, "billing.sql");
    kafka.createTopic(pipeline.topic(), partitions);
    System.out.printf("[%s] pipeline ready: orders db %s, billing db %s, topic %s (%d partitions), group %s, profile %s%n",
        name, orders.name(), billing.name(), pipeline.topic(), partitions, pipeline.group, pipeline.profile.name());
    return pipeline;
  }

  private static void runScript(TestDatabase db, String resource) {
    try (InputStream in = Objects.requireNonNull(Pipeline.class.getResourceAsStream(resource), resource);
         Connection connection = db.openConnection(); Statement statement = connection.createStatement()) {
      statement.execute(new String(in.readAllBytes(), StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (SQLException e) {
      throw new IllegalStateException("cannot run " + resource + " in " + db + ": " + e.getMessage(), e);
    }
  }

  String name() {
    return name;
  }

  FaultProfile profile() {
    return profile;
  }

  TestDatabase orders() {
    return orders;
  }

  TestDatabase billing() {
    return billing;
  }

  /** The replication slot: named after the orders database, so that no other test's relay uses it. */
  String slot() {
    return orders.name();
  }

  String topicPrefix() {
    return topicPrefix;
  }

  /** The topic of the order events. */
  String topic() {
    return topicPrefix + OrderWriters.AGGREGATE_TYPE;
  }

  /** Where the relay puts events the broker refuses for good: its default dead-letter topic. */
  String relayDeadLetterTopic() {
    return OutboxRelay.Builder.DEFAULT_DEAD_LETTER_TOPIC;
  }

  /** Where the consumers put records they can never process. */
  String consumerDeadLetterTopic() {
    return topic() + ".dlq";
  }

  String group() {
    return group;
  }

  String bootstrapServers() {
    return kafka.bootstrapServers();
  }

  OutboxWriter writer() {
    return writer;
  }

  // ---------------------------------------------------------------- parts

  /** Starts a relay process; it is killed when the pipeline closes. */
  RelayChild startRelay(String childName, String... producerProperties) {
    RelayChild relay = RelayChild.start(this, childName, producerProperties);
    running.push(relay);
    return relay;
  }

  /** Starts a billing consumer in this JVM. */
  InboxKafkaRunner startConsumer(String instance) {
    InboxKafkaRunner runner = BillingConsumers.runner(consumerPool, bootstrapServers(), topic(), group, instance,
        new EffectHandler(instance)).build();
    running.push(runner);
    runner.start();
    return runner;
  }

  /** Starts a billing consumer process. */
  ConsumerChild startConsumerChild(String instance) {
    ConsumerChild consumer = ConsumerChild.start(this, instance);
    running.push(consumer);
    return consumer;
  }

  /** Starts writer threads at the profile's rate, each owning {@code ordersPerThread} orders. */
  OrderWriters startWriters(int threads, int ordersPerThread) {
    return startWriters(threads, ordersPerThread, profile.transactionsPerSecond());
  }

  OrderWriters startWriters(int threads, int ordersPerThread, int transactionsPerSecond) {
    OrderWriters started = new OrderWriters(writerDataSource, writer, name + "-" + writers.size(), threads,
        ordersPerThread, transactionsPerSecond);
    writers.add(started);
    started.start();
    return started;
  }

  /** Counts an event a scenario committed without a business row (an outbox row inserted by hand). */
  void committedByHand(String eventId) {
    committedByHand.add(eventId);
  }

  /** Counts a record a scenario produced straight to the topic that the consumers are expected to apply. */
  void foreignApplied(String messageId) {
    foreignApplied.add(messageId);
  }

  /** Counts one injected fault. */
  void fault() {
    faults++;
  }

  // ---------------------------------------------------------------- progress

  /** Distinct events applied so far. */
  long appliedCount() {
    return single(billing, "SELECT count(DISTINCT event_id) FROM effect");
  }

  /** Committed business rows so far. */
  long committedCount() {
    return single(orders, "SELECT count(*) FROM order_row");
  }

  /** Waits until at least {@code more} further events were applied: the pipeline is flowing. */
  void awaitFlowing(long more) {
    long from = appliedCount();
    await("[" + name + "] " + more + " more events applied").atMost(RECOVERY_TIMEOUT)
        .pollInterval(Duration.ofMillis(200)).until(() -> appliedCount() >= from + more);
  }

  /** The last committed event of every order at this moment. */
  Snapshot snapshot() {
    Map<String, Integer> last = new HashMap<>();
    try (Connection connection = orders.openConnection(); Statement statement = connection.createStatement();
         ResultSet rows = statement.executeQuery("SELECT aggregate_id, max(seq) FROM order_row GROUP BY aggregate_id")) {
      while (rows.next()) {
        last.put(rows.getString(1), rows.getInt(2));
      }
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
    return new Snapshot(last);
  }

  /** The last committed event ({@code seq}) of every order at one moment. */
  record Snapshot(Map<String, Integer> lastSeq) {
  }

  /**
   * Measures one recovery: the time from {@code faultEndNanos} (the failed part is back, or was killed for
   * good) until every event committed up to one second after that moment was applied. The second makes
   * sure that events needing the recovered part are among them, not only events the old part had already
   * delivered. Records and returns the time in milliseconds.
   */
  long awaitRecovered(long faultEndNanos) {
    long remaining = faultEndNanos + SNAPSHOT_DELAY.toNanos() - System.nanoTime();
    if (remaining > 0) {
      ChildJvm.pause(remaining / 1_000_000);
    }
    Snapshot snapshot = awaitSnapshot();
    String[] aggregates = snapshot.lastSeq().keySet().toArray(String[]::new);
    Integer[] seqs = new Integer[aggregates.length];
    for (int i = 0; i < aggregates.length; i++) {
      seqs[i] = snapshot.lastSeq().get(aggregates[i]);
    }
    await("[" + name + "] events committed up to a second after the fault applied").atMost(RECOVERY_TIMEOUT)
        .pollInterval(Duration.ofMillis(100)).ignoreExceptions()
        .until(() -> appliedOf(aggregates, seqs) == aggregates.length);
    long millis = (System.nanoTime() - faultEndNanos) / 1_000_000;
    recoveries.add(millis);
    return millis;
  }

  /** A snapshot as soon as the orders database answers (it may be starting up again). */
  private Snapshot awaitSnapshot() {
    return await("[" + name + "] orders database answering").atMost(RECOVERY_TIMEOUT)
        .pollInterval(Duration.ofMillis(200)).ignoreExceptions().until(this::snapshot, s -> true);
  }

  private long appliedOf(String[] aggregates, Integer[] seqs) throws SQLException {
    try (Connection connection = billing.openConnection(); PreparedStatement statement = connection.prepareStatement(
        "SELECT count(*) FROM unnest(?::varchar[], ?::int[]) AS s(agg, seq) WHERE EXISTS "
            + "(SELECT 1 FROM effect e WHERE e.aggregate_id = s.agg AND e.event_seq = s.seq)")) {
      Array aggregateArray = connection.createArrayOf("varchar", aggregates);
      Array seqArray = connection.createArrayOf("int4", seqs);
      statement.setArray(1, aggregateArray);
      statement.setArray(2, seqArray);
      try (ResultSet rows = statement.executeQuery()) {
        rows.next();
        return rows.getLong(1);
      }
    }
  }

  /**
   * Commits one order event with its business row in a transaction of its own, through the pipeline's
   * writer, and returns its id. For scenarios that need an event at a known place (same key, so same
   * partition, as a bad input before it).
   */
  UUID writeOrderEvent(String orderId, int seq) {
    return writeOrderEvent(writer, orderId, seq, EffectHandler.payload(orderId, seq, 1));
  }

  UUID writeOrderEvent(OutboxWriter with, String orderId, int seq, String payload) {
    try (Connection connection = orders.openConnection()) {
      connection.setAutoCommit(false);
      UUID id = with.publish(connection, OutboxEvent.of(OrderWriters.AGGREGATE_TYPE, orderId, OrderWriters.EVENT_TYPE,
          payload));
      try (PreparedStatement insert = connection.prepareStatement(
          "INSERT INTO order_row (event_id, aggregate_id, seq, amount) VALUES (?, ?, ?, 1)")) {
        insert.setObject(1, id);
        insert.setString(2, orderId);
        insert.setInt(3, seq);
        insert.executeUpdate();
      }
      connection.commit();
      return id;
    } catch (SQLException e) {
      throw new IllegalStateException("cannot write an order event: " + e.getMessage(), e);
    }
  }

  /** Waits until the event (or foreign message) with this id was applied. */
  void awaitApplied(String id) {
    await("[" + name + "] " + id + " applied").atMost(RECOVERY_TIMEOUT).pollInterval(Duration.ofMillis(100))
        .until(() -> effectsOf(id) > 0);
  }

  /** How many effect rows the event (or foreign message) with this id has. */
  long effectsOf(String id) {
    try (Connection connection = billing.openConnection();
         PreparedStatement statement = connection.prepareStatement("SELECT count(*) FROM effect WHERE event_id = ?")) {
      statement.setString(1, id);
      try (ResultSet rows = statement.executeQuery()) {
        rows.next();
        return rows.getLong(1);
      }
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The consumer group's committed offsets on the event topic. */
  Map<TopicPartition, Long> committedOffsets() {
    try (Admin admin = Admin.create(kafka.adminProperties())) {
      Map<TopicPartition, OffsetAndMetadata> offsets = admin.listConsumerGroupOffsets(group)
          .partitionsToOffsetAndMetadata().get(60, TimeUnit.SECONDS);
      Map<TopicPartition, Long> result = new HashMap<>();
      offsets.forEach((partition, offset) -> {
        if (offset != null) {
          result.put(partition, offset.offset());
        }
      });
      return result;
    } catch (Exception e) {
      throw new IllegalStateException("cannot read the committed offsets of group " + group + ": " + e, e);
    }
  }

  /** The end offsets of the event topic's partitions. */
  Map<TopicPartition, Long> endOffsets() {
    try (Admin admin = Admin.create(kafka.adminProperties())) {
      int partitions = admin.describeTopics(List.of(topic())).allTopicNames().get(60, TimeUnit.SECONDS).get(topic())
          .partitions().size();
      Map<TopicPartition, OffsetSpec> request = new HashMap<>();
      for (int p = 0; p < partitions; p++) {
        request.put(new TopicPartition(topic(), p), OffsetSpec.latest());
      }
      Map<TopicPartition, Long> result = new HashMap<>();
      admin.listOffsets(request).all().get(60, TimeUnit.SECONDS).forEach((tp, info) -> result.put(tp, info.offset()));
      return result;
    } catch (Exception e) {
      throw new IllegalStateException("cannot read the end offsets of " + topic() + ": " + e, e);
    }
  }

  /**
   * Records a consumer instance applied and committed in the database whose offsets the group has not
   * committed to Kafka: what a crash at this moment leaves in doubt.
   */
  long inDoubt(String instance) {
    Map<TopicPartition, Long> committed = committedOffsets();
    long count = 0;
    try (Connection connection = billing.openConnection(); PreparedStatement statement = connection.prepareStatement(
        "SELECT kafka_partition, kafka_offset FROM effect WHERE instance = ?")) {
      statement.setString(1, instance);
      try (ResultSet rows = statement.executeQuery()) {
        while (rows.next()) {
          long offset = committed.getOrDefault(new TopicPartition(topic(), rows.getInt(1)), -1L);
          if (rows.getLong(2) >= offset) {
            count++;
          }
        }
      }
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
    return count;
  }

  // ---------------------------------------------------------------- the end

  /** Stops every writer (their last transactions settle first). */
  void stopWriters() {
    writers.forEach(OrderWriters::stop);
  }

  /**
   * Stops the writers, waits until every committed event was applied (or the drain timeout passed), then
   * reconciles, prints the scenario's line and returns it. {@code expectedDeadLetters} committed events are
   * expected on a dead-letter topic instead of applied.
   */
  Reconciliation finish(String detail, int expectedDeadLetters) {
    stopWriters();
    long expected = committedCount() + committedByHand.size() + foreignApplied.size() - expectedDeadLetters;
    try {
      await("[" + name + "] all committed events applied").atMost(DRAIN_TIMEOUT).pollInterval(Duration.ofMillis(500))
          .ignoreExceptions().until(() -> appliedCount() >= expected);
    } catch (org.awaitility.core.ConditionTimeoutException e) {
      System.out.printf("[%s] not drained within %d s: %d of %d events applied; reconciling what there is%n", name,
          DRAIN_TIMEOUT.toSeconds(), appliedCount(), expected);
    }
    return reconcile(detail);
  }

  Reconciliation reconcile(String detail) {
    Set<String> committed = new HashSet<>(query(orders, "SELECT event_id::text FROM order_row"));
    committed.addAll(committedByHand);
    Set<String> rolledBack = new HashSet<>();
    long rolledBackCount = 0;
    for (OrderWriters w : writers) {
      w.rolledBackIds.forEach(id -> rolledBack.add(id.toString()));
      rolledBackCount += w.rolledBackIds.size();
    }

    List<ConsumerRecord<byte[], byte[]>> records = TopicReader.readAll(bootstrapServers(), topic(), READ_TIMEOUT);
    Map<String, Integer> onKafka = new HashMap<>();
    for (ConsumerRecord<byte[], byte[]> record : records) {
      String id = TopicReader.header(record, OutboxHeaders.ID);
      onKafka.merge(id == null ? "(no id header)" : id, 1, Integer::sum);
    }
    Set<String> deadLettered = new HashSet<>();
    for (ConsumerRecord<byte[], byte[]> record : TopicReader.readAll(bootstrapServers(), relayDeadLetterTopic(), READ_TIMEOUT)) {
      String id = TopicReader.header(record, DeadLetterHeaders.EVENT_ID);
      if (id != null) {
        deadLettered.add(id);
      }
    }
    for (ConsumerRecord<byte[], byte[]> record : TopicReader.readAll(bootstrapServers(), consumerDeadLetterTopic(), READ_TIMEOUT)) {
      String id = TopicReader.header(record, DeadLetterHeaders.EVENT_ID);
      if (id != null) {
        deadLettered.add(id);
      }
    }
    deadLettered.retainAll(committed);

    Map<String, Integer> effects = new HashMap<>();
    long outOfOrder = 0;
    Map<String, Integer> lastSeqApplied = new HashMap<>();
    Set<String> seen = new HashSet<>();
    try (Connection connection = billing.openConnection(); Statement statement = connection.createStatement()) {
      statement.setFetchSize(10_000);
      connection.setAutoCommit(false);
      try (ResultSet rows = statement.executeQuery("SELECT event_id, aggregate_id, event_seq FROM effect ORDER BY id")) {
        while (rows.next()) {
          String id = rows.getString(1);
          effects.merge(id, 1, Integer::sum);
          if (!seen.add(id) || !committed.contains(id)) {
            continue;
          }
          Integer previous = lastSeqApplied.put(rows.getString(2), rows.getInt(3));
          if (previous != null && previous >= rows.getInt(3)) {
            outOfOrder++;
          }
        }
      }
      connection.commit();
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }

    long applied = committed.stream().filter(effects::containsKey).count();
    List<String> lost = committed.stream().filter(id -> !effects.containsKey(id) && !deadLettered.contains(id)).toList();
    long appliedTwice = effects.values().stream().filter(n -> n > 1).count();
    long phantom = effects.keySet().stream().filter(id -> !committed.contains(id) && !foreignApplied.contains(id)).count()
        + rolledBack.stream().filter(onKafka::containsKey).count();
    long unique = onKafka.size();
    long duplicates = records.size() - unique;
    long recovery = recoveries.stream().mapToLong(Long::longValue).max().orElse(0);
    long took = (System.nanoTime() - startedNanos) / 1_000_000_000L;
    return new Reconciliation(name, profile.name(), faults, committed.size(), rolledBackCount, records.size(),
        duplicates, applied, lost.size(), appliedTwice, phantom, outOfOrder, deadLettered.size(), recovery, took, detail,
        lost.stream().limit(5).toList()).print();
  }

  // ---------------------------------------------------------------- SQL helpers

  static long single(TestDatabase db, String sql) {
    try (Connection connection = db.openConnection(); Statement statement = connection.createStatement();
         ResultSet rows = statement.executeQuery(sql)) {
      rows.next();
      return rows.getLong(1);
    } catch (SQLException e) {
      throw new IllegalStateException(sql + ": " + e.getMessage(), e);
    }
  }

  static List<String> query(TestDatabase db, String sql) {
    List<String> values = new ArrayList<>();
    try (Connection connection = db.openConnection(); Statement statement = connection.createStatement();
         ResultSet rows = statement.executeQuery(sql)) {
      while (rows.next()) {
        values.add(rows.getString(1));
      }
    } catch (SQLException e) {
      throw new IllegalStateException(sql + ": " + e.getMessage(), e);
    }
    return values;
  }

  @Override
  public void close() {
    for (OrderWriters w : writers) {
      try {
        w.stop();
      } catch (RuntimeException | AssertionError e) {
        System.out.printf("[%s] writer did not stop: %s%n", name, e.getMessage());
      }
    }
    while (!running.isEmpty()) {
      AutoCloseable part = running.pop();
      try {
        part.close();
      } catch (Exception e) {
        System.out.printf("[%s] closing %s failed: %s%n", name, part, e.getMessage());
      }
    }
    consumerPool.close();
  }
}
