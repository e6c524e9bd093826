package io.outboxkit.benchmarks;

import io.outboxkit.test.OutboxTestInfrastructure;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sagas end to end, orchestrated ({@link OrchestratedShop}) and choreographed ({@link ChoreographedShop}), on
 * the same four services ({@link SagaServices}) in one run. For each flow: a throughput run (N sagas started as
 * fast as {@value #STARTER_THREADS} threads can, rate = N / time from the first start to the last final state)
 * and a latency run at a fixed rate ({@value #STARTER_THREADS} paced threads taking turns; completion latency = final state time - start time,
 * both from the order service's database, warm-up left out). Every tenth saga is refused by shipping and
 * compensated. A warm-up run of each flow comes first. Afterwards every saga must have ended as designed,
 * with each participant's effects applied once, or the flow fails.
 */
final class SagaBenchmark {

  static final int STARTER_THREADS = 4;
  /** Every n-th saga is refused at its last step and compensated. */
  static final int COMPENSATE_EVERY = 10;

  private static final Logger log = LoggerFactory.getLogger(SagaBenchmark.class);

  /** How long the services are left idle to measure their CPU use without sagas. */
  static final Duration IDLE_WINDOW = Duration.ofSeconds(5);

  private final OutboxTestInfrastructure infrastructure;
  private final Profile profile;
  private double @Nullable [] idleCpuMillisPerSecond;

  SagaBenchmark(OutboxTestInfrastructure infrastructure, Profile profile) {
    this.infrastructure = infrastructure;
    this.profile = profile;
  }

  List<SagaResult> run() {
    List<SagaResult> results = new ArrayList<>();
    SagaServices services;
    try {
      services = new SagaServices(infrastructure);
    } catch (Exception e) {
      String reason = "the services could not start: " + message(e);
      log.error("saga benchmark: {}", reason, e);
      results.add(SagaResult.failed("orchestrated", "", reason));
      results.add(SagaResult.failed("choreographed", "", reason));
      return results;
    }
    try (services) {
      List<SagaFlow> flows = List.of(new OrchestratedShop(services), new ChoreographedShop(services));
      Map<String, String> failures = new LinkedHashMap<>();
      Map<String, Run> throughput = new LinkedHashMap<>();
      Map<String, Run> latency = new LinkedHashMap<>();
      for (SagaFlow flow : flows) {
        guarded(flow, failures, () -> throughput(services, flow, "w" + flow.id().charAt(0) + "-",
            profile.sagaWarmUpSagas()));
      }
      idleCpuMillisPerSecond = idleCpu(services);
      for (SagaFlow flow : flows) {
        guarded(flow, failures, () -> throughput.put(flow.id(), throughput(services, flow,
            "t" + flow.id().charAt(0) + "-", profile.sagaSagas())));
      }
      for (SagaFlow flow : flows) {
        guarded(flow, failures, () -> latency.put(flow.id(), latency(services, flow, "l" + flow.id().charAt(0) + "-")));
      }
      for (SagaFlow flow : flows) {
        Run t = throughput.get(flow.id());
        Run l = latency.get(flow.id());
        results.add(new SagaResult(flow.id(), flow.describe(), t == null ? null : t.perSecond,
            t == null ? 0 : t.sagas, t == null ? 0 : t.compensated, l == null ? null : l.latency,
            l == null ? null : l.startRate, t == null ? null : t.messagesPerSaga,
            t == null ? null : t.walBytesPerSaga, t == null ? null : t.cpuMillisPerSaga,
            t == null ? List.of() : t.finishedOverTime, failures.get(flow.id())));
      }
      if (flows.get(0) instanceof OrchestratedShop orchestrated) {
        log.info("saga benchmark: orchestrator {}", orchestrated.stats());
      }
      logTableWrites(services);
    }
    return results;
  }

  /**
   * CPU milliseconds per second of the harness JVM, PostgreSQL and the broker while every relay and consumer of
   * both flows runs and no saga is started: what a run pays for its duration on top of its sagas; null when
   * it cannot be read.
   */
  double @Nullable [] idleCpuMillisPerSecond() {
    return idleCpuMillisPerSecond;
  }

  private static double @Nullable [] idleCpu(SagaServices services) {
    try {
      long[] before = services.cpuNanos();
      long begin = System.nanoTime();
      pause(IDLE_WINDOW.toMillis());
      long[] after = services.cpuNanos();
      double seconds = (System.nanoTime() - begin) / 1e9;
      double[] perSecond = new double[before.length];
      for (int i = 0; i < before.length; i++) {
        perSecond[i] = before[i] < 0 || after[i] < 0 ? Double.NaN : (after[i] - before[i]) / 1e6 / seconds;
      }
      log.info(String.format(Locale.ROOT, "saga benchmark: idle CPU ms per second %.1f harness, %.1f PostgreSQL,"
          + " %.1f broker", perSecond[0], perSecond[1], perSecond[2]));
      return perSecond;
    } catch (Exception e) {
      log.warn("saga benchmark: idle CPU not measured: {}", message(e));
      return null;
    }
  }

  /** What each database wrote, table by table, for the README's analysis; only logged. */
  private static void logTableWrites(SagaServices services) {
    pause(1500);
    for (SagaServices.Service service : List.of(services.order, services.inventory, services.payment,
        services.shipping)) {
      try {
        log.info("saga benchmark: rows written in the {} database (both flows): {}", service.name(),
            SagaServices.tableWrites(service));
      } catch (Exception e) {
        log.warn("saga benchmark: the {} database's table statistics could not be read: {}", service.name(),
            message(e));
      }
    }
  }

  private interface Measurement {
    void run() throws Exception;
  }

  private static void guarded(SagaFlow flow, Map<String, String> failures, Measurement measurement) {
    if (failures.containsKey(flow.id())) {
      return;
    }
    try {
      measurement.run();
    } catch (Exception e) {
      failures.put(flow.id(), message(e));
      log.error("saga benchmark {}: failed", flow.id(), e);
    }
  }

  /** What one run of a flow measured. */
  private record Run(int sagas, int compensated, double perSecond, LatencySummary latency, double startRate,
                     double messagesPerSaga, double walBytesPerSaga, double @Nullable [] cpuMillisPerSaga,
                     List<double[]> finishedOverTime) {
  }

  private Run throughput(SagaServices services, SagaFlow flow, String prefix, int sagas) throws Exception {
    AtomicInteger next = new AtomicInteger();
    long messagesBefore = services.consumedMessages();
    long walBefore = services.walPosition();
    long[] cpuBefore = services.cpuNanos();
    long begin = System.nanoTime();
    onStarters(sagas, thread -> {
      for (int i = next.getAndIncrement(); i < sagas; i = next.getAndIncrement()) {
        flow.start(id(prefix, i), amount(i), compensates(i));
      }
    });
    long started = System.nanoTime();
    awaitFinal(services, flow, prefix, sagas);
    long[] cpuAfter = services.cpuNanos();
    Run counted = evaluate(services, flow, prefix, sagas, 0);
    double[] cpu = new double[cpuAfter.length];
    for (int i = 0; i < cpu.length; i++) {
      cpu[i] = cpuBefore[i] < 0 || cpuAfter[i] < 0 ? Double.NaN : (cpuAfter[i] - cpuBefore[i]) / 1e6 / sagas;
    }
    Run run = new Run(counted.sagas, counted.compensated, counted.perSecond, counted.latency, 0,
        (services.consumedMessages() - messagesBefore) / (double) sagas,
        (services.walPosition() - walBefore) / (double) sagas, cpu, counted.finishedOverTime);
    log.info("saga benchmark {} {}: {} sagas started in {} ms, all final after {} ms: {} sagas/s", flow.id(),
        prefix, sagas, TimeUnit.NANOSECONDS.toMillis(started - begin),
        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - begin), Math.round(run.perSecond));
    log.info(String.format(Locale.ROOT, "saga benchmark %s %s: %.2f messages consumed, %.0f WAL bytes, CPU ms %.1f"
        + " harness, %.1f PostgreSQL, %.1f broker per saga", flow.id(), prefix, run.messagesPerSaga,
        run.walBytesPerSaga, cpu[0], cpu[1], cpu[2]));
    return run;
  }

  private Run latency(SagaServices services, SagaFlow flow, String prefix) throws Exception {
    int rate = profile.sagaLatencyRate();
    int warmUp = (int) (profile.sagaLatencyWarmUp().toMillis() * rate / 1000);
    int sagas = warmUp + (int) (profile.sagaLatencyWindow().toMillis() * rate / 1000);
    long interval = 1_000_000_000L / rate;
    long begin = System.nanoTime() + 10_000_000L;
    long[] startedAt = new long[sagas];
    onStarters(sagas, first -> {
      for (int i = first; i < sagas; i += STARTER_THREADS) {
        long wait = begin + i * interval - System.nanoTime();
        if (wait > 0) {
          TimeUnit.NANOSECONDS.sleep(wait);
        }
        startedAt[i] = System.nanoTime();
        flow.start(id(prefix, i), amount(i), compensates(i));
      }
    });
    double startRate = (sagas - 1 - warmUp) / ((startedAt[sagas - 1] - startedAt[warmUp]) / 1e9);
    awaitFinal(services, flow, prefix, sagas);
    Run run = evaluate(services, flow, prefix, sagas, warmUp);
    logHops(services, flow, prefix);
    Run result = new Run(run.sagas, run.compensated, run.perSecond, run.latency, startRate, 0, 0, null, List.of());
    LatencySummary l = result.latency;
    log.info(String.format(Locale.ROOT, "saga benchmark %s at %d sagas/s (started at %.1f/s): p50 %.1f ms, p99 %.1f"
        + " ms, max %.1f ms", flow.id(), rate, startRate, l.p50Millis(), l.p99Millis(), l.maxMillis()));
    return result;
  }

  /**
   * Where a latency run's time went, hop by hop: for each message kind (writing service, channel, type), from
   * the start of the transaction that wrote it to the outbox to the start of the transaction that took it from
   * the inbox (both now() of one PostgreSQL server); only logged.
   */
  private static void logHops(SagaServices services, SagaFlow flow, String prefix) {
    List<SagaServices.Service> all = List.of(services.order, services.inventory, services.payment,
        services.shipping);
    try {
      Map<String, String> kindOf = new HashMap<>();
      Map<String, Long> writtenAt = new HashMap<>();
      for (SagaServices.Service service : all) {
        try (Connection connection = service.pool().getConnection();
             PreparedStatement statement = connection.prepareStatement("SELECT id::text, aggregatetype, type,"
                 + " (extract(epoch FROM created_at) * 1000000)::bigint FROM outbox_event WHERE aggregateid LIKE ?")) {
          statement.setString(1, prefix + "%");
          try (ResultSet rows = statement.executeQuery()) {
            while (rows.next()) {
              kindOf.put(rows.getString(1), service.name() + " -> " + rows.getString(2) + " " + rows.getString(3));
              writtenAt.put(rows.getString(1), rows.getLong(4));
            }
          }
        }
      }
      Map<String, List<Long>> hops = new TreeMap<>();
      for (SagaServices.Service service : all) {
        try (Connection connection = service.pool().getConnection();
             PreparedStatement statement = connection.prepareStatement("SELECT message_id,"
                 + " (extract(epoch FROM received_at) * 1000000)::bigint FROM inbox_message");
             ResultSet rows = statement.executeQuery()) {
          while (rows.next()) {
            String kind = kindOf.get(rows.getString(1));
            if (kind != null) {
              hops.computeIfAbsent(kind, k -> new ArrayList<>()).add(rows.getLong(2) - writtenAt.get(rows.getString(1)));
            }
          }
        }
      }
      hops.forEach((kind, micros) -> {
        micros.sort(null);
        log.info(String.format(Locale.ROOT, "saga benchmark %s hop %s: %d messages, p50 %.1f ms, p90 %.1f ms,"
            + " max %.1f ms", flow.id(), kind, micros.size(), micros.get(micros.size() / 2) / 1000.0,
            micros.get(micros.size() * 9 / 10) / 1000.0, micros.get(micros.size() - 1) / 1000.0));
      });
    } catch (SQLException | RuntimeException e) {
      log.warn("saga benchmark: hop latencies not read: {}", message(e));
    }
  }

  /** Work of one starter thread, given its index. */
  @FunctionalInterface
  private interface StarterWork {
    void run(int thread) throws Exception;
  }

  /** Runs {@code work} on {@value #STARTER_THREADS} threads and waits for all of them (bounded by the run's size). */
  private static void onStarters(int sagas, StarterWork work) throws Exception {
    ExecutorService starters = Executors.newFixedThreadPool(STARTER_THREADS);
    try {
      List<Future<?>> futures = new ArrayList<>();
      for (int t = 0; t < STARTER_THREADS; t++) {
        int thread = t;
        futures.add(starters.submit(() -> {
          work.run(thread);
          return null;
        }));
      }
      for (Future<?> future : futures) {
        future.get(120 + sagas / 10, TimeUnit.SECONDS);
      }
    } finally {
      starters.shutdownNow();
    }
  }

  private static void awaitFinal(SagaServices services, SagaFlow flow, String prefix, int sagas) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(120 + sagas / 20).toNanos();
    while (true) {
      String failure = services.failure();
      if (failure != null) {
        throw new BenchmarkException(failure);
      }
      long unfinished = flow.unfinished(prefix);
      if (unfinished == 0 && flow.finished(prefix).size() == sagas) {
        return;
      }
      if (System.nanoTime() > deadline) {
        throw new BenchmarkException(unfinished + " of " + sagas + " sagas (" + prefix + "*) not final in time");
      }
      pause(20);
    }
  }

  /**
   * Checks that every saga ended as designed and each participant applied its effects once, and computes the
   * rate and the latencies of the sagas from {@code firstCounted} on.
   */
  private static Run evaluate(SagaServices services, SagaFlow flow, String prefix, int sagas, int firstCounted)
      throws Exception {
    List<SagaFlow.FinishedSaga> finished = flow.finished(prefix);
    int compensated = 0;
    long first = Long.MAX_VALUE;
    long last = Long.MIN_VALUE;
    long[] latencies = new long[sagas - firstCounted];
    int counted = 0;
    List<String> wrong = new ArrayList<>();
    for (SagaFlow.FinishedSaga saga : finished) {
      int index = Integer.parseInt(saga.orderId().substring(prefix.length()));
      if (saga.completed() == compensates(index)) {
        wrong.add(saga.orderId() + " ended " + saga.state());
      }
      if (!saga.completed()) {
        compensated++;
      }
      first = Math.min(first, saga.startedMicros());
      last = Math.max(last, saga.finishedMicros());
      if (index >= firstCounted) {
        latencies[counted++] = (saga.finishedMicros() - saga.startedMicros()) * 1000;
      }
    }
    if (!wrong.isEmpty()) {
      throw new BenchmarkException(flow.id() + ": " + wrong.size() + " sagas ended wrong, for example "
          + wrong.subList(0, Math.min(5, wrong.size())));
    }
    if (finished.size() != sagas || counted != latencies.length) {
      throw new BenchmarkException(flow.id() + ": " + finished.size() + " of " + sagas + " sagas final");
    }
    long completed = completedCount(sagas);
    checkEffects(services, flow, prefix, completed, sagas - completed);
    double seconds = (last - first) / 1e6;
    return new Run(sagas, compensated, sagas / seconds, LatencySummary.ofNanos(latencies), 0, 0, 0, null,
        finishedOverTime(finished, first));
  }

  /** Sagas final so far against seconds since {@code firstMicros}: at most about 200 points, the last exact. */
  static List<double[]> finishedOverTime(List<SagaFlow.FinishedSaga> finished, long firstMicros) {
    long[] ends = finished.stream().mapToLong(SagaFlow.FinishedSaga::finishedMicros).sorted().toArray();
    List<double[]> points = new ArrayList<>();
    if (ends.length == 0) {
      return points;
    }
    points.add(new double[] {0, 0});
    int step = Math.max(1, ends.length / 200);
    for (int i = step - 1; i < ends.length; i += step) {
      points.add(new double[] {(ends[i] - firstMicros) / 1e6, i + 1});
    }
    if ((ends.length - 1) % step != step - 1) {
      points.add(new double[] {(ends[ends.length - 1] - firstMicros) / 1e6, ends.length});
    }
    return points;
  }

  /** Sagas of a run that complete (the others are refused by shipping and compensated). */
  private static long completedCount(int sagas) {
    long compensated = 0;
    for (int i = 0; i < sagas; i++) {
      if (compensates(i)) {
        compensated++;
      }
    }
    return sagas - compensated;
  }

  private static void checkEffects(SagaServices services, SagaFlow flow, String prefix, long completed,
                                   long compensated) throws Exception {
    long all = completed + compensated;
    check(flow, "inventory", SagaFlow.effects(services.inventory.pool(), prefix),
        Map.of("reserve", all, "release", compensated));
    check(flow, "payment", SagaFlow.effects(services.payment.pool(), prefix),
        Map.of("charge", all, "refund", compensated));
    check(flow, "shipping", SagaFlow.effects(services.shipping.pool(), prefix), Map.of("schedule", completed));
  }

  private static void check(SagaFlow flow, String service, Map<String, Long> actual, Map<String, Long> expected) {
    Map<String, Long> expectedNonZero = new LinkedHashMap<>();
    expected.forEach((name, count) -> {
      if (count > 0) {
        expectedNonZero.put(name, count);
      }
    });
    if (!actual.equals(expectedNonZero)) {
      throw new BenchmarkException(flow.id() + ": the " + service + " service applied " + actual + ", expected "
          + expectedNonZero);
    }
  }

  static boolean compensates(int index) {
    return index % COMPENSATE_EVERY == COMPENSATE_EVERY - 1;
  }

  private static int amount(int index) {
    return index % 100 + 1;
  }

  private static String id(String prefix, int index) {
    return prefix + index;
  }

  static void pause(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new BenchmarkException("interrupted", e);
    }
  }

  private static String message(Throwable e) {
    return e.getMessage() == null ? e.toString() : e.getMessage();
  }
}
