package io.outboxkit.benchmarks;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.outboxkit.inbox.Inbox;
import io.outboxkit.inbox.InboxSchema;
import io.outboxkit.inbox.kafka.InboxBatchHandler;
import io.outboxkit.inbox.kafka.InboxKafkaRunner;
import io.outboxkit.relay.OutboxRelay;
import io.outboxkit.relay.RelayState;
import io.outboxkit.relay.RelayStatus;
import io.outboxkit.saga.SagaSchema;
import io.outboxkit.test.OutboxTestInfrastructure;
import io.outboxkit.test.TestDatabase;
import io.outboxkit.test.TestKafka;
import io.outboxkit.writer.OutboxSchema;
import io.outboxkit.writer.OutboxWriter;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Properties;

/**
 * The four services of the saga benchmark, each with a database of its own (outbox, inbox, saga or barrier
 * tables and its business table), a pool on it, an outbox writer, an inbox and an OutboxKit relay streaming
 * its outbox to Kafka. Every relay uses the same topic prefix, so a service's events reach the topics the
 * others read. Both the orchestrated and the choreographed flow run on these services.
 */
final class SagaServices implements AutoCloseable {

  /** Partitions of every saga topic, and inbox runners (one consumer group) per service and flow. */
  static final int PARTITIONS = 2;
  static final int RUNNERS_PER_SERVICE = 2;
  /** Connections per service pool: the runners of both flows, the starters, the scanner, the harness. */
  static final int POOL_SIZE = 2 * RUNNERS_PER_SERVICE + SagaBenchmark.STARTER_THREADS + 2;
  /**
   * The relay setting the benchmark changes from the relay's defaults, as a user tuning for latency would:
   * a message of a saga waits at most this long in the producer for others to join its batch.
   */
  static final int RELAY_LINGER_MS = 1;
  /**
   * Debezium's {@code poll.interval.ms} for the saga relays, the relay's default unless the system property
   * {@code outboxkit.bench.saga.poll-interval-ms} says otherwise (an experiment: an idle engine spends up to a
   * millisecond of every interval spinning, so a longer interval costs less CPU and adds latency).
   */
  static final int RELAY_POLL_INTERVAL_MS = Integer.getInteger("outboxkit.bench.saga.poll-interval-ms", 5);
  static final String RELAY_SETTINGS = "OutboxRelay per database, table mode, its defaults (Debezium"
      + " `poll.interval.ms` 5) except producer `linger.ms` " + RELAY_LINGER_MS + " (default 5)"
      + (RELAY_POLL_INTERVAL_MS == 5 ? "" : " and Debezium `poll.interval.ms` " + RELAY_POLL_INTERVAL_MS
          + " (system property outboxkit.bench.saga.poll-interval-ms)")
      + "; Debezium `poll.interval.ms` 1 was tried and left out: each idle engine then wakes every millisecond,"
      + " which took a quarter of the harness JVM's CPU samples in a profile";
  static final String CONSUMER_SETTINGS = RUNNERS_PER_SERVICE + " InboxKafkaRunner per service and flow in one"
      + " consumer group, " + PARTITIONS + " partitions per topic, one inbox transaction per poll (`batchHandler`:"
      + " the saga module's batch handlers, and the choreography's per-message handlers in a loop); consumer"
      + " defaults (`fetch.min.bytes` 1: a fetch returns as soon as a record is there)";

  /** One service: its database and what writes to and reads from it. */
  record Service(String name, TestDatabase db, HikariDataSource pool, OutboxWriter writer, Inbox inbox,
                 OutboxRelay relay) {
  }

  final TestKafka kafka;
  final String topicPrefix;
  final Service order;
  final Service inventory;
  final Service payment;
  final Service shipping;
  private final List<Service> services = new ArrayList<>();
  private final List<AutoCloseable> runners = new ArrayList<>();
  private final List<String> topics = new ArrayList<>();

  SagaServices(OutboxTestInfrastructure infrastructure) throws SQLException {
    kafka = infrastructure.kafka("saga");
    topicPrefix = kafka.newTopic("saga") + ".";
    try {
      order = service(infrastructure, "order", true);
      inventory = service(infrastructure, "inventory", false);
      payment = service(infrastructure, "payment", false);
      shipping = service(infrastructure, "shipping", false);
      for (Service service : services) {
        awaitActive(service);
      }
    } catch (SQLException | RuntimeException e) {
      close();
      throw e;
    }
  }

  private Service service(OutboxTestInfrastructure infrastructure, String name, boolean orchestrator)
      throws SQLException {
    TestDatabase db = infrastructure.newDatabase("saga " + name);
    OutboxSchema.builder().replicationSlot(db.name()).build().install(db.dataSource());
    InboxSchema.builder().build().install(db.dataSource());
    if (orchestrator) {
      SagaSchema.orchestrator("public").install(db.dataSource());
      db.execute("CREATE TABLE bench_order (order_id text PRIMARY KEY, amount int NOT NULL, state text NOT NULL,"
          + " created_at timestamptz NOT NULL DEFAULT now(), finished_at timestamptz)");
    } else {
      SagaSchema.participant("public").install(db.dataSource());
      db.execute("CREATE TABLE bench_effect (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, order_id text NOT"
          + " NULL, name text NOT NULL)");
    }
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl(db.jdbcUrl());
    config.setUsername(db.username());
    config.setPassword(db.password());
    config.setMaximumPoolSize(POOL_SIZE);
    config.setPoolName("saga-" + name);
    HikariDataSource pool = new HikariDataSource(config);
    OutboxRelay relay = OutboxRelay.builder()
        .database(db.host(), db.port(), db.name())
        .username(db.username())
        .password(db.password())
        .replicationSlot(db.name())
        .topicPrefix(topicPrefix)
        .bootstrapServers(kafka.bootstrapServers())
        .producerProperty("linger.ms", RELAY_LINGER_MS)
        .debeziumProperty("poll.interval.ms", Integer.toString(RELAY_POLL_INTERVAL_MS))
        .build();
    Service service = new Service(name, db, pool, OutboxWriter.builder(pool).build(), Inbox.builder(pool).build(),
        relay);
    services.add(service);
    relay.start();
    return service;
  }

  /** The topic of an aggregate type (a channel), created with {@link #PARTITIONS} partitions the first time. */
  synchronized String topic(String channel) {
    String topic = topicPrefix + channel;
    if (!topics.contains(topic)) {
      kafka.createTopic(topic, PARTITIONS);
      topics.add(topic);
    }
    return topic;
  }

  /**
   * Starts {@link #RUNNERS_PER_SERVICE} inbox runners in one group for the service, on the channels' topics,
   * each with one inbox transaction per poll ({@code batchHandler}).
   */
  void consume(Service service, String consumerName, InboxBatchHandler handler, String... channels) {
    start(service, consumerName, builder -> builder.batchHandler(handler), channels);
  }

  private void start(Service service, String consumerName,
                     java.util.function.UnaryOperator<InboxKafkaRunner.Builder> handler, String... channels) {
    List<String> names = new ArrayList<>();
    for (String channel : channels) {
      names.add(topic(channel));
    }
    String group = consumerName + "-" + kafka.newGroupId();
    for (int i = 0; i < RUNNERS_PER_SERVICE; i++) {
      Properties properties = kafka.consumerProperties(group);
      InboxKafkaRunner runner = handler.apply(InboxKafkaRunner.builder(service.inbox()))
          .consumerProperties(properties)
          .topics(names)
          .consumerName(consumerName)
          .backoff(Duration.ofMillis(100), Duration.ofSeconds(1))
          .threadName(String.format(Locale.ROOT, "%s-%d", consumerName, i))
          .build();
      runner.start();
      runners.add(runner);
    }
  }

  void closeLater(AutoCloseable closeable) {
    runners.add(closeable);
  }

  /** The first relay or runner failure, or null. */
  String failure() {
    for (Service service : services) {
      RelayStatus status = service.relay().status();
      if (status.state() == RelayState.FAILED || status.state() == RelayState.STOPPED) {
        return "the relay of the " + service.name() + " service is " + status.state() + ": " + status.reason();
      }
    }
    for (AutoCloseable closeable : runners) {
      if (closeable instanceof InboxKafkaRunner runner && runner.failure() != null) {
        return "an inbox runner failed: " + runner.failure();
      }
    }
    return null;
  }

  /** Messages consumed through the inboxes of all four services so far (one inbox transaction each). */
  long consumedMessages() throws SQLException {
    long total = 0;
    for (Service service : services) {
      try (Connection connection = service.pool().getConnection();
           PreparedStatement statement = connection.prepareStatement("SELECT count(*) FROM inbox_message");
           ResultSet rows = statement.executeQuery()) {
        rows.next();
        total += rows.getLong(1);
      }
    }
    return total;
  }

  /**
   * CPU time used so far, in nanoseconds: this JVM (the relays, the consumers and the services' handlers),
   * the PostgreSQL server (the postmaster and its children) and this JVM's other child processes (the broker);
   * -1 where the platform does not tell.
   */
  long[] cpuNanos() throws SQLException {
    long harness = ProcessHandle.current().info().totalCpuDuration().map(Duration::toNanos).orElse(-1L);
    long postgres = -1;
    long backend;
    try (Connection connection = order.pool().getConnection();
         PreparedStatement statement = connection.prepareStatement("SELECT pg_backend_pid()");
         ResultSet rows = statement.executeQuery()) {
      rows.next();
      backend = rows.getLong(1);
    }
    long postmaster = ProcessHandle.of(backend).flatMap(ProcessHandle::parent).map(ProcessHandle::pid).orElse(-1L);
    if (postmaster > 0) {
      postgres = cpu(ProcessHandle.of(postmaster).stream()) + cpu(ProcessHandle.of(postmaster).stream()
          .flatMap(ProcessHandle::children));
    }
    long others = cpu(ProcessHandle.current().descendants()
        .filter(p -> p.info().command().map(c -> !c.endsWith("postgres")).orElse(true)));
    return new long[] {harness, postgres, others};
  }

  private static long cpu(java.util.stream.Stream<ProcessHandle> processes) {
    return processes.mapToLong(p -> p.info().totalCpuDuration().map(Duration::toNanos).orElse(0L)).sum();
  }

  /** The server's WAL position in bytes: the difference of two readings is the WAL all four databases wrote. */
  long walPosition() throws SQLException {
    try (Connection connection = order.pool().getConnection();
         PreparedStatement statement = connection.prepareStatement("SELECT pg_current_wal_lsn() - '0/0'::pg_lsn");
         ResultSet rows = statement.executeQuery()) {
      rows.next();
      return rows.getLong(1);
    }
  }

  /**
   * Rows inserted, updated (of which HOT: no index touched), deleted per table of the service's database, from
   * {@code pg_stat_user_tables} (the server's statistics, which lag by up to a second or so).
   */
  static String tableWrites(Service service) throws SQLException {
    StringBuilder out = new StringBuilder();
    try (Connection connection = service.pool().getConnection();
         PreparedStatement statement = connection.prepareStatement("SELECT relname, n_tup_ins, n_tup_upd,"
             + " n_tup_hot_upd, n_tup_del FROM pg_stat_user_tables WHERE n_tup_ins + n_tup_upd + n_tup_del > 0"
             + " ORDER BY relname");
         ResultSet rows = statement.executeQuery()) {
      while (rows.next()) {
        out.append(out.length() == 0 ? "" : "; ").append(rows.getString(1)).append(" ins ").append(rows.getLong(2))
            .append(" upd ").append(rows.getLong(3)).append(" (hot ").append(rows.getLong(4)).append(") del ")
            .append(rows.getLong(5));
      }
    }
    return out.toString();
  }

  /** Records a participant's business effect in its transaction (no unique key: twice shows as two rows). */
  static void effect(Connection connection, String orderId, String name) throws SQLException {
    try (PreparedStatement statement = connection.prepareStatement(
        "INSERT INTO bench_effect (order_id, name) VALUES (?, ?)")) {
      statement.setString(1, orderId);
      statement.setString(2, name);
      statement.executeUpdate();
    }
  }

  private static void awaitActive(Service service) {
    long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
    while (service.relay().status().state() != RelayState.ACTIVE) {
      RelayStatus status = service.relay().status();
      if (status.state() == RelayState.FAILED || status.state() == RelayState.STOPPED) {
        throw new BenchmarkException("the relay of the " + service.name() + " service is " + status.state() + ": "
            + status.reason());
      }
      if (System.nanoTime() > deadline) {
        throw new BenchmarkException("the relay of the " + service.name() + " service is not active within 120 s");
      }
      SagaBenchmark.pause(20);
    }
  }

  @Override
  public void close() {
    for (int i = runners.size() - 1; i >= 0; i--) {
      try {
        runners.get(i).close();
      } catch (Exception ignored) {
        // closing what is left
      }
    }
    for (Service service : services) {
      service.relay().close();
      service.pool().close();
      service.db().close();
    }
  }
}
