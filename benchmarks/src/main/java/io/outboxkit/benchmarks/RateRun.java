package io.outboxkit.benchmarks;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * One relay's latency run at one target rate: the commit-to-consume percentiles of its measured part, the
 * rate the writers actually reached, and whether the relay sustained the rate.
 *
 * <p>A relay <em>sustains</em> a rate when both hold:
 * <ul>
 *   <li>the writers reached at least {@value #OFFERED_SHARE} of the target (otherwise the rate was not offered,
 *       whoever is to blame: on a shared machine the relay's own CPU use slows the writers too), and
 *   <li>the lag did not grow: the median latency of the measured part's last quarter of events (in commit
 *       order) is at most {@value #LAG_GROWTH_FACTOR} times that of its first quarter plus
 *       {@value #LAG_GROWTH_SLACK_MILLIS} ms. A relay below its capacity shows the same median all along; one
 *       above it builds a backlog, and every later event waits longer.
 * </ul>
 *
 * @param targetRate events per second the writers were asked for
 * @param writtenPerSecond events per second the writers reached over the whole run (warm-up included)
 * @param latency percentiles of the measured part
 * @param firstQuarterP50Millis median latency of the measured part's first quarter of events
 * @param lastQuarterP50Millis median latency of its last quarter
 * @param verdict whether the rate was sustained, and if not why
 * @param curve the latency percentile curve for the charts: {@code [percent, millis]} pairs, ascending, ending
 *     with the maximum at {@code 100}
 */
record RateRun(int targetRate, double writtenPerSecond, LatencySummary latency, double firstQuarterP50Millis,
               double lastQuarterP50Millis, Verdict verdict, List<double[]> curve) {

  static final double OFFERED_SHARE = 0.95;
  static final double LAG_GROWTH_FACTOR = 2.0;
  static final double LAG_GROWTH_SLACK_MILLIS = 5.0;

  /** Percentiles of the chart's curve, below the maximum; those a run has too few samples for are left out. */
  static final double[] CURVE_PERCENTS = {0.01, 10, 25, 50, 75, 90, 95, 99, 99.5, 99.9, 99.95, 99.99, 99.999};

  /** Whether a rate was sustained. */
  enum Verdict {
    SUSTAINED("sustained"),
    NOT_OFFERED("not offered: the writers fell short of the rate"),
    LAG_GROWING("fell behind: the lag grew during the run");

    private final String text;

    Verdict(String text) {
      this.text = text;
    }

    String text() {
      return text;
    }
  }

  RateRun {
    curve = List.copyOf(curve);
  }

  /**
   * Measures a run from its latencies.
   *
   * @param latencyNanos the measured part's commit-to-consume latencies in commit order (by sequence number)
   */
  static RateRun of(int targetRate, double writtenPerSecond, long[] latencyNanos) {
    if (latencyNanos.length < 4) {
      throw new IllegalArgumentException("a latency run needs at least 4 samples, got " + latencyNanos.length);
    }
    int quarter = latencyNanos.length / 4;
    double first = medianMillis(Arrays.copyOfRange(latencyNanos, 0, quarter));
    double last = medianMillis(Arrays.copyOfRange(latencyNanos, latencyNanos.length - quarter, latencyNanos.length));
    long[] sorted = latencyNanos.clone();
    Arrays.sort(sorted);
    List<double[]> curve = new ArrayList<>();
    for (double percent : CURVE_PERCENTS) {
      if (100.0 / (100.0 - percent) <= sorted.length * (1 + 1e-9)) { // 99.9% needs 1,000 samples
        curve.add(new double[] {percent, millis(LatencySummary.percentile(sorted, percent))});
      }
    }
    curve.add(new double[] {100, millis(sorted[sorted.length - 1])});
    return new RateRun(targetRate, writtenPerSecond, LatencySummary.ofNanos(latencyNanos), first, last,
        decide(targetRate, writtenPerSecond, first, last), curve);
  }

  /** The sustain decision (see the type's description). */
  static Verdict decide(int targetRate, double writtenPerSecond, double firstQuarterP50Millis,
                        double lastQuarterP50Millis) {
    if (writtenPerSecond < OFFERED_SHARE * targetRate) {
      return Verdict.NOT_OFFERED;
    }
    return lagGrew(firstQuarterP50Millis, lastQuarterP50Millis) ? Verdict.LAG_GROWING : Verdict.SUSTAINED;
  }

  private static boolean lagGrew(double firstQuarterP50Millis, double lastQuarterP50Millis) {
    return lastQuarterP50Millis > LAG_GROWTH_FACTOR * firstQuarterP50Millis + LAG_GROWTH_SLACK_MILLIS;
  }

  boolean sustained() {
    return verdict == Verdict.SUSTAINED;
  }

  /** The verdict with its figures, for the results. */
  String verdictText() {
    return switch (verdict) {
      case SUSTAINED -> "sustained";
      case NOT_OFFERED -> String.format(Locale.ROOT, "not offered: the writers reached %,.0f/s (< %.0f%%)",
          writtenPerSecond, OFFERED_SHARE * 100) + (lagGrew(firstQuarterP50Millis, lastQuarterP50Millis)
          ? String.format(Locale.ROOT, "; even so the median lag grew from %.1f to %.1f ms", firstQuarterP50Millis,
              lastQuarterP50Millis) : "");
      case LAG_GROWING -> String.format(Locale.ROOT, "fell behind: median lag grew from %.1f to %.1f ms",
          firstQuarterP50Millis, lastQuarterP50Millis);
    };
  }

  /** The highest target rate of {@code runs} that was sustained, or null if none was. */
  static @Nullable Integer highestSustained(List<RateRun> runs) {
    Integer highest = null;
    for (RateRun run : runs) {
      if (run.sustained() && (highest == null || run.targetRate > highest)) {
        highest = run.targetRate;
      }
    }
    return highest;
  }

  private static double medianMillis(long[] nanos) {
    long[] sorted = nanos.clone();
    Arrays.sort(sorted);
    return millis(LatencySummary.percentile(sorted, 50));
  }

  private static double millis(long nanos) {
    return nanos / 1_000_000.0;
  }
}
