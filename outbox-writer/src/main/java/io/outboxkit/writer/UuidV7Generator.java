package io.outboxkit.writer;

import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * Makes UUID version 7 ids (RFC 9562): 48 bits of Unix milliseconds, the version, 12 bits of sequence, the
 * variant and 62 random bits. Ids from one generator are strictly increasing (as unsigned 128-bit numbers,
 * which is how PostgreSQL orders uuid values), also within one millisecond and when the clock steps back: the
 * millisecond and the sequence form one counter that only grows. Each millisecond's sequence starts at a
 * random value below 2048, leaving at least 2048 ids per millisecond before the counter borrows from the
 * next one. Thread-safe and lock-free.
 */
final class UuidV7Generator {

  /** One generator for the JVM, so that ids of all writers are monotonic together. */
  static final UuidV7Generator SHARED = new UuidV7Generator(System::currentTimeMillis);

  private final LongSupplier clock;
  /** Unix milliseconds shifted left by 12, plus the 12-bit sequence, of the last id made. */
  private final AtomicLong last = new AtomicLong();

  UuidV7Generator(LongSupplier clock) {
    this.clock = clock;
  }

  UUID next() {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    long candidate = (clock.getAsLong() << 12) | random.nextInt(1 << 11);
    long stamp;
    while (true) {
      long previous = last.get();
      stamp = candidate > previous ? candidate : previous + 1;
      if (last.compareAndSet(previous, stamp)) {
        break;
      }
    }
    long mostSignificant = ((stamp >>> 12) << 16) | 0x7000L | (stamp & 0xFFFL);
    long leastSignificant = (random.nextLong() & 0x3FFF_FFFF_FFFF_FFFFL) | 0x8000_0000_0000_0000L;
    return new UUID(mostSignificant, leastSignificant);
  }
}
