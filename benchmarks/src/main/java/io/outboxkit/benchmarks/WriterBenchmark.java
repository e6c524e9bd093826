package io.outboxkit.benchmarks;

import io.outboxkit.test.TestDatabase;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Business transactions per second with OutboxKit's writer against the same transaction without an outbox,
 * for each {@link WriterShape}: the order shape (one order, its lines and one event) first, then the bulk shape;
 * on each {@link WriterServer} it is given. {@value #THREADS} threads, each with its own connection and
 * {@code synchronous_commit} on, run transactions back to back; after a warm-up, the transactions whose commit
 * returned within the window count. Each variant gets a fresh database in each round, and the order of a
 * shape's variants rotates from round to round. An uncounted run of the plain transaction comes first on each
 * server, so that the first variant does not pay for this JVM's and the server's warm-up.
 */
final class WriterBenchmark {

  static final int THREADS = 4;
  /** The id of the server with {@code fsync=on} the goals are judged on. */
  static final String DURABLE = "durable";
  /** The id of the server the other parts run on. */
  static final String SHARED = "shared";
  /** The variant that adds one empty round trip to the plain transaction (order shape only). */
  static final String ROUND_TRIP = "plain-round-trip";

  private static final Logger log = LoggerFactory.getLogger(WriterBenchmark.class);

  private final Profile profile;
  private final List<WriterShape> shapes;

  /**
   * @param bulkEventsPerTransaction events OutboxKit's variants add to each transaction of the bulk shape (one
   *     per order at most)
   */
  WriterBenchmark(Profile profile, int bulkEventsPerTransaction) {
    this.profile = profile;
    this.shapes = List.of(WriterShape.ORDER, WriterShape.bulk(bulkEventsPerTransaction));
  }

  /** Every shape, in order. */
  List<WriterShape> shapes() {
    return shapes;
  }

  /** The id of a result: {@code <server>/<shape>/<variant>}, for example {@code durable/order/outboxkit-table}. */
  static String id(String server, WriterShape shape, String variant) {
    return server + "/" + shape.id() + "/" + variant;
  }

  /** The variants of one shape, baseline first: variant id to factory. */
  static Map<String, Supplier<MeasuredWriter>> variants(WriterShape shape) {
    Map<String, Supplier<MeasuredWriter>> variants = new LinkedHashMap<>();
    variants.put("plain", () -> new PlainWriter(shape));
    if (shape.equals(WriterShape.ORDER)) {
      variants.put(ROUND_TRIP, () -> PlainWriter.withEmptyRoundTrip(shape));
    }
    variants.put("outboxkit-table", () -> OutboxKitWriters.table(shape));
    variants.put("outboxkit-table-delete", () -> OutboxKitWriters.tableDeleteAfterInsert(shape));
    variants.put("outboxkit-wal", () -> OutboxKitWriters.walMessage(shape));
    return variants;
  }

  /**
   * Every shape of {@code server} measured with databases from {@code newDatabase}, a shape's baseline first;
   * ids as {@link #id(String, WriterShape, String)} makes them.
   */
  List<RoundsResult> run(WriterServer server, Function<String, TestDatabase> newDatabase) {
    try {
      double rate = measure("warm-up", new PlainWriter(WriterShape.bulk(1)), newDatabase);
      log.info("writer warm-up on the {} server (plain, not counted): {} transactions/s", server.id(),
          String.format("%.1f", rate));
    } catch (RuntimeException e) {
      log.warn("writer warm-up on the {} server failed: {}", server.id(), e.toString());
    }
    List<RoundsResult> results = new ArrayList<>();
    for (WriterShape shape : server.shapes()) {
      results.addAll(run(server, shape, newDatabase));
    }
    return results;
  }

  /** Every variant of {@code server}'s shapes as failed with {@code why}, for a server that did not start. */
  static List<RoundsResult> failed(WriterServer server, String why) {
    List<RoundsResult> results = new ArrayList<>();
    for (WriterShape shape : server.shapes()) {
      variants(shape).keySet().forEach(variant -> results.add(new RoundsResult(id(server.id(), shape, variant),
          variant, "", null, List.of(), null, why)));
    }
    return results;
  }

  private List<RoundsResult> run(WriterServer server, WriterShape shape,
                                 Function<String, TestDatabase> newDatabase) {
    Map<String, Supplier<MeasuredWriter>> variants = new LinkedHashMap<>();
    variants(shape).forEach((variant, factory) -> variants.put(id(server.id(), shape, variant), factory));
    Map<String, MeasuredWriter> available = new LinkedHashMap<>();
    Map<String, String> unavailable = new LinkedHashMap<>();
    Map<String, String> names = new LinkedHashMap<>();
    variants.forEach((id, factory) -> {
      try {
        MeasuredWriter writer = factory.get();
        available.put(id, writer);
        names.put(id, writer.name());
      } catch (NotAvailableException e) {
        unavailable.put(id, e.getMessage());
        log.warn("writer {}: not measured: {}", id, e.getMessage());
      }
    });
    Rounds.Outcome outcome = Rounds.run(new ArrayList<>(available.keySet()), profile.rounds(), "writer",
        "transactions/s", id -> measure(id, available.get(id), newDatabase));
    Map<String, List<Double>> rates = outcome.rates();
    Map<String, String> failures = outcome.failures();
    List<RoundsResult> results = new ArrayList<>();
    variants.keySet().forEach(id -> {
      MeasuredWriter writer = available.get(id);
      results.add(new RoundsResult(id, writer == null ? id : writer.name(), writer == null ? "" : writer.describe(),
          writer == null || failures.containsKey(id) ? null : Stats.median(rates.get(id)),
          rates.getOrDefault(id, List.of()), unavailable.get(id), failures.get(id)));
    });
    return results;
  }

  private double measure(String id, MeasuredWriter writer, Function<String, TestDatabase> newDatabase) {
    try (TestDatabase db = newDatabase.apply("writer " + id)) {
      writer.prepare(db.dataSource());
      long start = System.nanoTime();
      long measureFrom = start + profile.writerWarmUp().toNanos();
      long measureTo = measureFrom + profile.writerWindow().toNanos();
      AtomicLong number = new AtomicLong();
      AtomicLong counted = new AtomicLong();
      LoadWriter.runThreads(THREADS, "writer-" + id, () -> {
        try (Connection connection = db.openConnection()) {
          try (Statement statement = connection.createStatement()) {
            statement.execute("SET synchronous_commit TO on"); // whatever the server's default
          }
          connection.setAutoCommit(false);
          try (MeasuredWriter.Session session = writer.open(db.dataSource(), connection)) {
            while (System.nanoTime() < measureTo) {
              session.transaction(number.getAndIncrement());
              connection.commit();
              long committed = System.nanoTime();
              if (committed >= measureFrom && committed <= measureTo) {
                counted.incrementAndGet();
              }
            }
          }
        }
      });
      return counted.get() / (Duration.ofNanos(measureTo - measureFrom).toNanos() / 1e9);
    }
  }

  static @Nullable RoundsResult find(List<RoundsResult> results, String id) {
    return results.stream().filter(r -> r.id().equals(id)).findFirst().orElse(null);
  }
}
