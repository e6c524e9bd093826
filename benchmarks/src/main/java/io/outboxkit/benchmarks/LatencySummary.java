package io.outboxkit.benchmarks;

import java.util.Arrays;

/**
 * Percentiles of a set of latency samples, nearest-rank method: the p-th percentile is the smallest sample
 * such that at least p percent of the samples are less than or equal to it.
 *
 * @param count how many samples
 * @param p50Millis median, milliseconds
 * @param p90Millis 90th percentile, milliseconds
 * @param p99Millis 99th percentile, milliseconds
 * @param maxMillis largest sample, milliseconds
 */
record LatencySummary(int count, double p50Millis, double p90Millis, double p99Millis, double maxMillis) {

  /** Summarizes samples given in nanoseconds; the array is not changed. */
  static LatencySummary ofNanos(long[] samples) {
    if (samples.length == 0) {
      throw new IllegalArgumentException("no latency samples");
    }
    long[] sorted = samples.clone();
    Arrays.sort(sorted);
    return new LatencySummary(sorted.length, millis(percentile(sorted, 50)), millis(percentile(sorted, 90)),
        millis(percentile(sorted, 99)), millis(sorted[sorted.length - 1]));
  }

  /**
   * The nearest-rank percentile of sorted samples.
   *
   * @param sorted samples in ascending order, at least one
   * @param percent in (0, 100]
   */
  static long percentile(long[] sorted, double percent) {
    if (sorted.length == 0) {
      throw new IllegalArgumentException("no samples");
    }
    if (!(percent > 0 && percent <= 100)) {
      throw new IllegalArgumentException("percentile " + percent + " is not in (0, 100]");
    }
    int rank = (int) Math.ceil(percent / 100.0 * sorted.length);
    return sorted[Math.max(rank, 1) - 1];
  }

  private static double millis(long nanos) {
    return nanos / 1_000_000.0;
  }
}
