package io.outboxkit.samples.shop;

import java.io.PrintStream;
import java.util.Locale;

/** The demo's own output: one line per step, with the seconds since the demo started. Thread-safe. */
final class Console {

  private final PrintStream out;
  private final long started = System.nanoTime();

  Console(PrintStream out) {
    this.out = out;
  }

  /** A line with the elapsed time in front. */
  void step(String format, Object... args) {
    String line = String.format(Locale.ROOT, "[%6.1fs] ", elapsedSeconds()) + String.format(Locale.ROOT, format, args);
    synchronized (out) {
      out.println(line);
      out.flush();
    }
  }

  /** A line as it is. */
  void line(String text) {
    synchronized (out) {
      out.println(text);
      out.flush();
    }
  }

  double elapsedSeconds() {
    return (System.nanoTime() - started) / 1e9;
  }
}
