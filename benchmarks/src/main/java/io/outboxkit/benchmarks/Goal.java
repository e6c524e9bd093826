package io.outboxkit.benchmarks;

import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * A goal from the issues, reported and never asserted: met, or missed by how much.
 *
 * @param kind how the measured value compares with the target
 * @param target the goal's value
 * @param unit the unit of absolute goals ({@code ms}, {@code MB}); empty for ratios
 */
record Goal(Kind kind, double target, String unit) {

  enum Kind {
    /** A ratio (OutboxKit / baseline) of at least the target. */
    RATIO_AT_LEAST,
    /** An absolute value of at least the target. */
    AT_LEAST,
    /** An absolute value of at most the target. */
    AT_MOST,
    /** An absolute value below the target. */
    BELOW
  }

  static Goal ratioAtLeast(double target) {
    return new Goal(Kind.RATIO_AT_LEAST, target, "");
  }

  static Goal atLeast(double target, String unit) {
    return new Goal(Kind.AT_LEAST, target, unit);
  }

  static Goal atMost(double target, String unit) {
    return new Goal(Kind.AT_MOST, target, unit);
  }

  static Goal below(double target, String unit) {
    return new Goal(Kind.BELOW, target, unit);
  }

  /** The goal as the results show it, for example {@code >= 1.50x} or {@code <= 30 ms}. */
  String text() {
    return switch (kind) {
      case RATIO_AT_LEAST -> ">= " + Format.ratio(target);
      case AT_LEAST -> ">= " + Format.number(target) + " " + unit;
      case AT_MOST -> "<= " + Format.number(target) + " " + unit;
      case BELOW -> "< " + Format.number(target) + " " + unit;
    };
  }

  /** {@code met}, {@code missed by ...}, or {@code not measured} when there is no value. */
  String verdict(@Nullable Double measured) {
    if (measured == null || measured.isNaN()) {
      return "not measured";
    }
    double value = measured;
    return switch (kind) {
      case RATIO_AT_LEAST -> value >= target ? "met"
          : String.format(Locale.ROOT, "missed by %.2fx (%.0f%% short)", target - value,
              (target - value) / target * 100);
      case AT_LEAST -> value >= target ? "met"
          : String.format(Locale.ROOT, "missed by %s %s (%.0f%% short)", Format.number(target - value), unit,
              (target - value) / target * 100);
      case AT_MOST -> value <= target ? "met" : over(value);
      case BELOW -> value < target ? "met" : over(value);
    };
  }

  private String over(double value) {
    return String.format(Locale.ROOT, "missed by %s %s (%.0f%% over)", Format.number(value - target), unit,
        (value - target) / target * 100);
  }
}
