package io.outboxkit.benchmarks;

import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Time-ordered event ids (UUID version 7, RFC 9562) for the events the harness writes itself: the
 * millisecond timestamp, then a counter within the millisecond so that ids of one generator increase.
 * Thread-safe.
 */
final class EventIds {

  private static long lastMillis;
  private static int counter;

  private EventIds() {
  }

  static synchronized UUID next() {
    long now = System.currentTimeMillis();
    if (now > lastMillis) {
      lastMillis = now;
      counter = ThreadLocalRandom.current().nextInt(1 << 10); // leave room to count up within the millisecond
    } else if (++counter >= 1 << 12) {
      lastMillis++; // more than 4096 ids in one millisecond: borrow the next one
      counter = 0;
    }
    long high = (lastMillis << 16) | (0x7L << 12) | counter;
    long low = (ThreadLocalRandom.current().nextLong() & 0x3FFF_FFFF_FFFF_FFFFL) | 0x8000_0000_0000_0000L;
    return new UUID(high, low);
  }
}
