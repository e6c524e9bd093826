package io.outboxkit.benchmarks;

import java.util.Locale;
import org.jspecify.annotations.Nullable;

/** Number formats of the results: the same everywhere, independent of the machine's locale. */
final class Format {

  static final String MISSING = "n/a";

  private Format() {
  }

  /** A rate: {@code 12,345}. */
  static String rate(@Nullable Double perSecond) {
    return perSecond == null ? MISSING : String.format(Locale.ROOT, "%,.0f", perSecond);
  }

  /** A ratio: {@code 1.27x}. */
  static String ratio(@Nullable Double ratio) {
    return ratio == null ? MISSING : String.format(Locale.ROOT, "%.2fx", ratio);
  }

  /** Milliseconds: {@code 12.3}. */
  static String millis(@Nullable Double millis) {
    return millis == null ? MISSING : String.format(Locale.ROOT, "%.1f", millis);
  }

  /** A plain number with at most one decimal, no grouping: {@code 300}, {@code 12.5}. */
  static String number(double value) {
    return value == Math.rint(value) ? String.format(Locale.ROOT, "%.0f", value)
        : String.format(Locale.ROOT, "%.1f", value);
  }

  /** Megabytes or CPU seconds: {@code 245.3}. */
  static String decimal(@Nullable Double value) {
    return value == null ? MISSING : String.format(Locale.ROOT, "%.1f", value);
  }
}
