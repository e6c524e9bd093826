package io.outboxkit.core.internal;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import org.jspecify.annotations.Nullable;

/**
 * {@link InboxMeters} in a Micrometer registry. Loaded only when a registry was given, so only when Micrometer is
 * on the class path. Registries return the meter already registered under the same name and tags, so runners and
 * listeners of the same consumer name count into the same counters.
 */
final class MicrometerInboxMeters extends InboxMeters {

  private final MeterRegistry registry;
  private final ConcurrentMap<String, Counters> consumers = new ConcurrentHashMap<>();

  MicrometerInboxMeters(Object registry) {
    this.registry = (MeterRegistry) registry;
  }

  @Override
  public ConsumerMeters listener(String consumer) {
    return consumers.computeIfAbsent(consumer, Counters::new);
  }

  @Override
  public ConsumerMeters runner(String consumer) {
    Counters counters = consumers.computeIfAbsent(consumer, Counters::new);
    counters.skippedCounter();
    counters.outagesCounter();
    return counters;
  }

  private final class Counters extends ConsumerMeters {

    private final String consumer;
    private final Counter processed;
    private final Counter duplicates;
    private final Counter failures;
    private final Counter deadLetters;
    // the runner's own, registered by runner(..) or at their first use
    private volatile @Nullable Counter skipped;
    private volatile @Nullable Counter outages;

    Counters(String consumer) {
      this.consumer = consumer;
      processed = counter(PROCESSED, "messages whose effect was applied and committed");
      duplicates = counter(DUPLICATES, "messages whose id was already recorded for the consumer, effect skipped");
      failures = counter(FAILURES, "attempts whose effect failed and was rolled back, each retry counted");
      deadLetters = counter(DEAD_LETTERS, "messages sent to a dead-letter topic");
    }

    private Counter counter(String name, String description) {
      return Counter.builder(name).tag(CONSUMER, consumer).description(description).register(registry);
    }

    @Override
    public void processed(int count) {
      processed.increment(count);
    }

    @Override
    public void duplicates(int count) {
      duplicates.increment(count);
    }

    @Override
    public void failures(int count) {
      failures.increment(count);
    }

    @Override
    public void deadLetter() {
      deadLetters.increment();
    }

    @Override
    public void skipped() {
      skippedCounter().increment();
    }

    @Override
    public void outage() {
      outagesCounter().increment();
    }

    Counter skippedCounter() {
      Counter counter = skipped;
      if (counter == null) {
        counter = counter(SKIPPED, "invalid messages skipped instead of dead-lettered");
        skipped = counter;
      }
      return counter;
    }

    Counter outagesCounter() {
      Counter counter = outages;
      if (counter == null) {
        counter = counter(OUTAGES, "times the database or the dead-letter topic was unreachable and every "
            + "partition paused");
        outages = counter;
      }
      return counter;
    }
  }
}
