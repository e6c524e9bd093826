package io.outboxkit.fault;

import io.outboxkit.core.OutboxEvent;
import io.outboxkit.writer.OutboxWriter;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The order service under load: threads that each commit transactions of 1 to 3 order events, every event
 * with its business row ({@code order_row}) in the same transaction, and roll back 10% of the transactions
 * at random. Each thread owns its orders, so an order's events are numbered 0, 1, 2, ... in commit order
 * ({@code seq}), which lets the reconciliation check the order of effects per order.
 *
 * <p>The threads ride through database outages: a statement that fails is rolled back and tried again with
 * a new connection; a commit whose outcome is unknown (the connection broke during it) is settled by
 * looking the business row up once the database answers again.
 */
final class OrderWriters implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(OrderWriters.class);
  static final String AGGREGATE_TYPE = "order";
  static final String EVENT_TYPE = "OrderPlaced";
  static final double ROLLBACK_SHARE = 0.10;

  private final DataSource dataSource;
  private final OutboxWriter writer;
  private final int threads;
  private final int ordersPerThread;
  private final long periodNanos;
  private final String ordersPrefix;
  private final List<Thread> workers = new ArrayList<>();
  private volatile boolean running;

  final AtomicLong committedEvents = new AtomicLong();
  final AtomicLong committedTransactions = new AtomicLong();
  final AtomicLong rolledBackTransactions = new AtomicLong();
  final AtomicLong failedAttempts = new AtomicLong();
  final AtomicLong unknownOutcomes = new AtomicLong();
  final Set<UUID> rolledBackIds = ConcurrentHashMap.newKeySet();

  OrderWriters(DataSource dataSource, OutboxWriter writer, String ordersPrefix, int threads, int ordersPerThread,
      int transactionsPerSecond) {
    this.dataSource = dataSource;
    this.writer = writer;
    this.ordersPrefix = ordersPrefix;
    this.threads = threads;
    this.ordersPerThread = ordersPerThread;
    this.periodNanos = TimeUnit.SECONDS.toNanos(1) * threads / Math.max(1, transactionsPerSecond);
  }

  void start() {
    running = true;
    for (int t = 0; t < threads; t++) {
      int thread = t;
      Thread worker = new Thread(() -> run(thread), "order-writer-" + t);
      worker.setDaemon(true);
      workers.add(worker);
      worker.start();
    }
  }

  /** Stops the threads after their current transaction and waits for them. */
  void stop() {
    running = false;
    for (Thread worker : workers) {
      try {
        worker.join(120_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
      if (worker.isAlive()) {
        throw new AssertionError(worker.getName() + " did not stop within 120 s");
      }
    }
    workers.clear();
  }

  @Override
  public void close() {
    stop();
  }

  private void run(int thread) {
    String[] orders = new String[ordersPerThread];
    int[] nextSeq = new int[ordersPerThread];
    for (int i = 0; i < ordersPerThread; i++) {
      orders[i] = ordersPrefix + "-" + (thread + i * threads);
    }
    ThreadLocalRandom random = ThreadLocalRandom.current();
    int cursor = 0;
    long next = System.nanoTime();
    Connection connection = null;
    while (running) {
      next = pace(next);
      int count = 1 + random.nextInt(Math.min(3, ordersPerThread));
      boolean rollback = random.nextDouble() < ROLLBACK_SHARE;
      int[] picked = new int[count];
      List<UUID> ids = new ArrayList<>(count);
      for (int i = 0; i < count; i++) {
        picked[i] = (cursor + i) % ordersPerThread;
      }
      cursor = (cursor + count) % ordersPerThread;
      boolean committing = false;
      try {
        if (connection == null) {
          connection = dataSource.getConnection();
          connection.setAutoCommit(false);
        }
        for (int i = 0; i < count; i++) {
          int order = picked[i];
          int amount = 1 + random.nextInt(1000);
          UUID id = writer.publish(connection, OutboxEvent.of(AGGREGATE_TYPE, orders[order], EVENT_TYPE,
              EffectHandler.payload(orders[order], nextSeq[order], amount)));
          insertRow(connection, id, orders[order], nextSeq[order], amount);
          ids.add(id);
        }
        if (rollback) {
          connection.rollback();
          rolledBackIds.addAll(ids);
          rolledBackTransactions.incrementAndGet();
          continue;
        }
        committing = true;
        connection.commit();
        committed(picked, nextSeq, count);
      } catch (SQLException | RuntimeException e) {
        failedAttempts.incrementAndGet();
        closeQuietly(connection);
        connection = null;
        if (committing) {
          unknownOutcomes.incrementAndGet();
          if (settle(ids.get(0))) {
            committed(picked, nextSeq, count);
          }
          log.info("commit outcome unknown after '{}'; settled by looking up event {}", e.getMessage(), ids.get(0));
        } else {
          log.debug("transaction failed, trying again: {}", e.getMessage());
          pauseBriefly();
        }
      }
    }
    closeQuietly(connection);
  }

  private void committed(int[] picked, int[] nextSeq, int count) {
    for (int i = 0; i < count; i++) {
      nextSeq[picked[i]]++;
    }
    committedEvents.addAndGet(count);
    committedTransactions.incrementAndGet();
  }

  /** Whether the transaction that wrote {@code eventId} committed; waits for the database to answer. */
  private boolean settle(UUID eventId) {
    while (true) {
      try (Connection lookup = dataSource.getConnection();
           PreparedStatement statement = lookup.prepareStatement("SELECT count(*) FROM order_row WHERE event_id = ?")) {
        statement.setObject(1, eventId);
        try (ResultSet rows = statement.executeQuery()) {
          rows.next();
          return rows.getLong(1) == 1;
        }
      } catch (SQLException e) {
        pauseBriefly();
      }
    }
  }

  private static void insertRow(Connection connection, UUID id, String order, int seq, int amount) throws SQLException {
    try (PreparedStatement insert = connection.prepareStatement(
        "INSERT INTO order_row (event_id, aggregate_id, seq, amount) VALUES (?, ?, ?, ?)")) {
      insert.setObject(1, id);
      insert.setString(2, order);
      insert.setInt(3, seq);
      insert.setInt(4, amount);
      insert.executeUpdate();
    }
  }

  private long pace(long next) {
    long now = System.nanoTime();
    if (next > now) {
      try {
        TimeUnit.NANOSECONDS.sleep(next - now);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        running = false;
      }
      return next + periodNanos;
    }
    // behind (an outage): do not make up for more than a second
    return Math.max(next, now - TimeUnit.SECONDS.toNanos(1)) + periodNanos;
  }

  private static void pauseBriefly() {
    try {
      Thread.sleep(200);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static void closeQuietly(@Nullable Connection connection) {
    if (connection == null) {
      return;
    }
    try {
      connection.rollback();
    } catch (SQLException ignored) {
      // the connection is broken; closing is all that is left
    }
    try {
      connection.close();
    } catch (SQLException ignored) {
      // same
    }
  }
}
