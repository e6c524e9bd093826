package io.outboxkit.benchmarks;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.ToDoubleFunction;
import org.jspecify.annotations.Nullable;

/**
 * What one relay run measured. Filled phase by phase; a phase that did not run leaves its fields null and
 * {@link #failure} or {@link #unavailable} says why.
 */
final class RelayResult {

  final RelayKind kind;
  @Nullable String description;
  /** The relay is not part of this build; nothing was measured. */
  @Nullable String unavailable;
  /** A phase failed; the phases before it have figures. */
  @Nullable String failure;

  int drainEvents;
  @Nullable Double drainPerSecond;
  /** The drain's rate over its later half of events (see {@link Timeline#secondHalfRate}). */
  @Nullable Double drainSecondHalfPerSecond;
  @Nullable Double cpuSecondsPer100k;
  /** The drain of a second backlog written while the relay's process was stopped (same JVM, compiled code). */
  @Nullable Double warmDrainPerSecond;
  @Nullable Double warmCpuSecondsPer100k;
  /** The long backlog drain: a larger backlog, a relay process of its own (0 events: not measured). */
  int longDrainEvents;
  @Nullable Double longDrainPerSecond;
  @Nullable Double longDrainSecondHalfPerSecond;
  @Nullable Double longDrainCpuSecondsPer100k;

  long withWriterEvents;
  @Nullable Double withWriterPerSecond;
  @Nullable Double writerPerSecond;
  /** Events the writer wrote in the window that the relay had not delivered when it ended. */
  @Nullable Long behindAtWindowEnd;

  /** The latency runs, one per rate of the profile, in the profile's order. */
  List<RateRun> rateRuns = new ArrayList<>();
  /** The latency run at the profile's reference rate (the first), for the headline's goal. */
  @Nullable LatencySummary latency;
  @Nullable Double latencyRateAchieved;

  /** Events delivered over time ({@link Timeline#deliveredOverTime}) during each drain; empty if not measured. */
  List<double[]> drainDelivered = new ArrayList<>();
  List<double[]> warmDrainDelivered = new ArrayList<>();
  List<double[]> longDrainDelivered = new ArrayList<>();

  @Nullable Double peakRssMegabytes;
  long duplicates;
  long foreignRecords;

  /** How many runs the figures combine. */
  int rounds = 1;

  RelayResult(RelayKind kind) {
    this.kind = kind;
  }

  /**
   * The rounds of one relay as one result: each figure is the median over the rounds that measured it
   * (for latency each percentile's median, and the largest maximum); the first failure is kept.
   */
  static RelayResult combine(List<RelayResult> rounds) {
    if (rounds.isEmpty()) {
      throw new IllegalArgumentException("no rounds to combine");
    }
    if (rounds.size() == 1) {
      return rounds.get(0);
    }
    RelayResult first = rounds.get(0);
    RelayResult combined = new RelayResult(first.kind);
    combined.rounds = rounds.size();
    combined.description = first.description;
    for (RelayResult round : rounds) {
      if (combined.unavailable == null) {
        combined.unavailable = round.unavailable;
      }
      if (combined.failure == null && round.failure != null) {
        combined.failure = round.failure;
      }
      combined.duplicates += round.duplicates;
      combined.foreignRecords += round.foreignRecords;
      combined.drainEvents = Math.max(combined.drainEvents, round.drainEvents);
      combined.longDrainEvents = Math.max(combined.longDrainEvents, round.longDrainEvents);
      combined.withWriterEvents = Math.max(combined.withWriterEvents, round.withWriterEvents);
    }
    combined.drainPerSecond = median(rounds, r -> r.drainPerSecond);
    combined.drainSecondHalfPerSecond = median(rounds, r -> r.drainSecondHalfPerSecond);
    combined.cpuSecondsPer100k = median(rounds, r -> r.cpuSecondsPer100k);
    combined.warmDrainPerSecond = median(rounds, r -> r.warmDrainPerSecond);
    combined.warmCpuSecondsPer100k = median(rounds, r -> r.warmCpuSecondsPer100k);
    combined.longDrainPerSecond = median(rounds, r -> r.longDrainPerSecond);
    combined.longDrainSecondHalfPerSecond = median(rounds, r -> r.longDrainSecondHalfPerSecond);
    combined.longDrainCpuSecondsPer100k = median(rounds, r -> r.longDrainCpuSecondsPer100k);
    combined.withWriterPerSecond = median(rounds, r -> r.withWriterPerSecond);
    combined.writerPerSecond = median(rounds, r -> r.writerPerSecond);
    Double behind = median(rounds, r -> r.behindAtWindowEnd == null ? null : r.behindAtWindowEnd.doubleValue());
    combined.behindAtWindowEnd = behind == null ? null : Math.round(behind);
    combined.latencyRateAchieved = median(rounds, r -> r.latencyRateAchieved);
    combined.rateRuns = combineRateRuns(rounds);
    for (RelayResult round : rounds) {
      if (combined.drainDelivered.isEmpty()) {
        combined.drainDelivered = round.drainDelivered;
      }
      if (combined.warmDrainDelivered.isEmpty()) {
        combined.warmDrainDelivered = round.warmDrainDelivered;
      }
      if (combined.longDrainDelivered.isEmpty()) {
        combined.longDrainDelivered = round.longDrainDelivered;
      }
    }
    combined.peakRssMegabytes = median(rounds, r -> r.peakRssMegabytes);
    List<LatencySummary> latencies = new ArrayList<>();
    rounds.forEach(r -> {
      if (r.latency != null) {
        latencies.add(r.latency);
      }
    });
    if (!latencies.isEmpty()) {
      combined.latency = combineLatencies(latencies);
    }
    return combined;
  }

  /**
   * Each rate's runs over the rounds as one: the median of each percentile, of the quarters' medians and of the
   * writers' rate, the largest maximum; sustained only if every round sustained it (otherwise the first
   * round's reason that did not); the first round's curve.
   */
  static List<RateRun> combineRateRuns(List<RelayResult> rounds) {
    Map<Integer, List<RateRun>> byRate = new LinkedHashMap<>();
    rounds.forEach(round -> round.rateRuns.forEach(
        run -> byRate.computeIfAbsent(run.targetRate(), rate -> new ArrayList<>()).add(run)));
    List<RateRun> combined = new ArrayList<>();
    byRate.forEach((rate, runs) -> {
      if (runs.size() == 1) {
        combined.add(runs.get(0));
        return;
      }
      List<LatencySummary> latencies = new ArrayList<>();
      runs.forEach(run -> latencies.add(run.latency()));
      RateRun.Verdict verdict = runs.stream().map(RateRun::verdict).filter(v -> v != RateRun.Verdict.SUSTAINED)
          .findFirst().orElse(RateRun.Verdict.SUSTAINED);
      combined.add(new RateRun(rate, medianOfRuns(runs, RateRun::writtenPerSecond), combineLatencies(latencies),
          medianOfRuns(runs, RateRun::firstQuarterP50Millis), medianOfRuns(runs, RateRun::lastQuarterP50Millis),
          verdict, runs.get(0).curve()));
    });
    return combined;
  }

  private static double medianOfRuns(List<RateRun> runs, ToDoubleFunction<RateRun> metric) {
    List<Double> values = new ArrayList<>();
    runs.forEach(run -> values.add(metric.applyAsDouble(run)));
    Double median = Stats.median(values);
    return median == null ? Double.NaN : median;
  }

  private static LatencySummary combineLatencies(List<LatencySummary> latencies) {
    int count = 0;
    double max = 0;
    for (LatencySummary latency : latencies) {
      count += latency.count();
      max = Math.max(max, latency.maxMillis());
    }
    return new LatencySummary(count, medianOf(latencies, LatencySummary::p50Millis),
        medianOf(latencies, LatencySummary::p90Millis), medianOf(latencies, LatencySummary::p99Millis), max);
  }

  private static @Nullable Double median(List<RelayResult> rounds, Function<RelayResult, @Nullable Double> metric) {
    List<Double> values = new ArrayList<>();
    for (RelayResult round : rounds) {
      Double value = metric.apply(round);
      if (value != null) {
        values.add(value);
      }
    }
    return Stats.median(values);
  }

  private static double medianOf(List<LatencySummary> latencies, ToDoubleFunction<LatencySummary> metric) {
    List<Double> values = new ArrayList<>();
    latencies.forEach(latency -> values.add(metric.applyAsDouble(latency)));
    Double median = Stats.median(values);
    return median == null ? Double.NaN : median;
  }

  /** The highest rate of the latency runs that this relay sustained, or null if it sustained none. */
  @Nullable Integer highestSustainedRate() {
    return RateRun.highestSustained(rateRuns);
  }

  /** The latency run at {@code rate}, or null. */
  @Nullable RateRun rateRun(int rate) {
    return rateRuns.stream().filter(run -> run.targetRate() == rate).findFirst().orElse(null);
  }

  /** The reason there is no figure: unavailable, or the failure. */
  @Nullable String missingReason() {
    return unavailable != null ? unavailable : failure;
  }
}
