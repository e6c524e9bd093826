package io.outboxkit.core.internal;

import org.jspecify.annotations.Nullable;

/**
 * The inbox's meters, one set per consumer name (tag {@value #CONSUMER}), shared by the inbox's Kafka runner and
 * the Spring listeners so that both report the same names: {@value #PROCESSED}, {@value #DUPLICATES},
 * {@value #FAILURES} and {@value #DEAD_LETTERS}; the runner adds {@value #SKIPPED} and {@value #OUTAGES}. All are
 * counters.
 *
 * <p>Without a meter registry every call is a no-op ({@link #NONE}); with one, {@code MicrometerInboxMeters}
 * records them. Micrometer is optional: this class never touches its types. Thread-safe.
 */
public class InboxMeters {

  /** Messages whose effect was applied and committed. */
  public static final String PROCESSED = "outboxkit.inbox.processed";

  /** Messages whose id was already recorded for the consumer: the effect was skipped. */
  public static final String DUPLICATES = "outboxkit.inbox.duplicates";

  /** Attempts whose effect failed and was rolled back; each retry counts. */
  public static final String FAILURES = "outboxkit.inbox.failures";

  /** Messages sent to a dead-letter topic. */
  public static final String DEAD_LETTERS = "outboxkit.inbox.dead.letters";

  /** Invalid messages skipped instead of dead-lettered (the runner's {@code InvalidMessageAction.SKIP}). */
  public static final String SKIPPED = "outboxkit.inbox.skipped";

  /** Times the runner found the database or the dead-letter topic unreachable and paused every partition. */
  public static final String OUTAGES = "outboxkit.inbox.outages";

  /** The tag naming the inbox consumer. */
  public static final String CONSUMER = "consumer";

  /** Records nothing. */
  public static final InboxMeters NONE = new InboxMeters();

  InboxMeters() {
  }

  /**
   * Meters in {@code meterRegistry}, or {@link #NONE} when it is null.
   *
   * @param meterRegistry an {@code io.micrometer.core.instrument.MeterRegistry} (see {@link MeterRegistries})
   */
  public static InboxMeters create(@Nullable Object meterRegistry) {
    return meterRegistry == null ? NONE : new MicrometerInboxMeters(meterRegistry);
  }

  /**
   * The meters of a listener's consumer: processed, duplicates, failures and dead letters, registered at the
   * first call for that name.
   */
  public ConsumerMeters listener(String consumer) {
    return ConsumerMeters.NONE;
  }

  /** The meters of a runner's consumer: those of {@link #listener} and skipped and outages, registered now. */
  public ConsumerMeters runner(String consumer) {
    return ConsumerMeters.NONE;
  }

  /** The counters of one consumer name; no-ops in {@link #NONE}. */
  public static class ConsumerMeters {

    static final ConsumerMeters NONE = new ConsumerMeters();

    ConsumerMeters() {
    }

    /** {@code count} messages whose effect was applied and committed. */
    public void processed(int count) {
    }

    /** {@code count} messages found already recorded. */
    public void duplicates(int count) {
    }

    /** {@code count} messages whose attempt failed and was rolled back. */
    public void failures(int count) {
    }

    /** One message sent to a dead-letter topic. */
    public void deadLetter() {
    }

    /** One invalid message skipped. */
    public void skipped() {
    }

    /** One outage began. */
    public void outage() {
    }
  }
}
