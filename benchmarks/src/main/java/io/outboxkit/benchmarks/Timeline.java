package io.outboxkit.benchmarks;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * When each event of a relay run was committed and when it was first consumed ({@link System#nanoTime()},
 * this JVM), indexed by the event's sequence number. Each slot is written by one thread (the writer thread
 * that owns the event, the consumer thread) and read after a hand-over that publishes it (a volatile count
 * or a joined thread).
 */
final class Timeline {

  private final long[] committedAt;
  private final long[] consumedAt;

  Timeline(int capacity) {
    committedAt = new long[capacity];
    consumedAt = new long[capacity];
  }

  int capacity() {
    return consumedAt.length;
  }

  void committed(long seq, long nanos) {
    committedAt[(int) seq] = nanos;
  }

  /** Records the first consumption of {@code seq}; returns false for a duplicate. */
  boolean consumed(long seq, long nanos) {
    if (consumedAt[(int) seq] != 0) {
      return false;
    }
    consumedAt[(int) seq] = nanos == 0 ? 1 : nanos;
    return true;
  }

  long consumedAt(long seq) {
    return consumedAt[(int) seq];
  }

  /** First and last consumption time of the events {@code [from, to)}, all of which were consumed. */
  long[] consumedSpan(long from, long to) {
    long first = Long.MAX_VALUE;
    long last = Long.MIN_VALUE;
    for (int i = (int) from; i < to; i++) {
      first = Math.min(first, consumedAt[i]);
      last = Math.max(last, consumedAt[i]);
    }
    return new long[] {first, last};
  }

  /**
   * Events per second over the later half of the events {@code [from, to)}, all of which were consumed: from
   * the consumption that completed the first half to the last one. Beside the whole span's rate it shows
   * how much of a slow drain is the relay's start (a JVM compiling its code) rather than its pace.
   */
  double secondHalfRate(long from, long to) {
    long[] times = Arrays.copyOfRange(consumedAt, (int) from, (int) to);
    Arrays.sort(times);
    int middle = times.length / 2;
    return rate(times.length - 1 - middle, times[middle], times[times.length - 1]);
  }

  /**
   * Events delivered over time for the events {@code [from, to)}, all of which were consumed: at most
   * {@code maxPoints} points {@code [seconds since the first consumption, events consumed by then]}, the first
   * and the last consumption among them, in between evenly spaced by event count.
   */
  List<double[]> deliveredOverTime(long from, long to, int maxPoints) {
    if (maxPoints < 2) {
      throw new IllegalArgumentException("at least 2 points, got " + maxPoints);
    }
    long[] times = Arrays.copyOfRange(consumedAt, (int) from, (int) to);
    Arrays.sort(times);
    List<double[]> points = new ArrayList<>();
    int n = times.length;
    int previous = -1;
    for (int k = 0; k < maxPoints && n > 0; k++) {
      int index = (int) Math.round((double) k * (n - 1) / (maxPoints - 1));
      if (index != previous) {
        points.add(new double[] {(times[index] - times[0]) / 1e9, index + 1});
        previous = index;
      }
    }
    return points;
  }

  /** How many of the events {@code [from, to)} were consumed within {@code [startNanos, endNanos]}. */
  long consumedWithin(long from, long to, long startNanos, long endNanos) {
    long count = 0;
    for (int i = (int) from; i < to; i++) {
      if (consumedAt[i] >= startNanos && consumedAt[i] <= endNanos) {
        count++;
      }
    }
    return count;
  }

  /**
   * Commit-to-consume latencies of the events {@code [from, to)}, in nanoseconds. A consumer may see an
   * event a moment before the writer's commit call returns; such latencies count as zero.
   */
  long[] latencies(long from, long to) {
    long[] latencies = new long[(int) (to - from)];
    for (int i = (int) from; i < to; i++) {
      latencies[(int) (i - from)] = Math.max(0, consumedAt[i] - committedAt[i]);
    }
    return latencies;
  }

  /** Events per second when {@code events} events were consumed between two instants. */
  static double rate(long events, long startNanos, long endNanos) {
    long nanos = Math.max(1, endNanos - startNanos);
    return events * 1e9 / nanos;
  }

  void clear() {
    Arrays.fill(committedAt, 0);
    Arrays.fill(consumedAt, 0);
  }
}
