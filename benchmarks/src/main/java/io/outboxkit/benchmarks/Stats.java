package io.outboxkit.benchmarks;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.jspecify.annotations.Nullable;

/** Small statistics over the rounds of a measurement. */
final class Stats {

  private Stats() {
  }

  /** The median (the mean of the middle two for an even count), or null for no values. */
  static @Nullable Double median(List<Double> values) {
    if (values.isEmpty()) {
      return null;
    }
    List<Double> sorted = new ArrayList<>(values);
    Collections.sort(sorted);
    int middle = sorted.size() / 2;
    return sorted.size() % 2 == 1 ? sorted.get(middle) : (sorted.get(middle - 1) + sorted.get(middle)) / 2;
  }

  /** {@code numerator / denominator}, or null when either is missing or the denominator is zero. */
  static @Nullable Double ratio(@Nullable Double numerator, @Nullable Double denominator) {
    if (numerator == null || denominator == null || denominator == 0) {
      return null;
    }
    return numerator / denominator;
  }
}
