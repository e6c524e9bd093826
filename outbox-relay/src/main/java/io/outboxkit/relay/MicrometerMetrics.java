package io.outboxkit.relay;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Micrometer meters of one relay, tagged with its slot:
 * {@code outboxkit.relay.events} (events the broker acknowledged),
 * {@code outboxkit.relay.dead.letters} (events sent to the dead-letter topic),
 * {@code outboxkit.relay.retries} (records sent again after a retriable failure),
 * {@code outboxkit.relay.recovered} (events read again from the outbox table after a gap in the stream),
 * {@code outboxkit.relay.commit.to.ack} (time from the transaction's commit to the broker's acknowledgement),
 * {@code outboxkit.relay.slot.lag} (bytes of WAL the slot holds) and {@code outboxkit.relay.stream.delay}
 * (seconds a heartbeat takes, or has taken so far, to come back through the stream).
 *
 * <p>The gauges hold their values strongly (Micrometer's gauges hold a weak reference unless told otherwise,
 * and read NaN once it is collected) and are registered at their first sample, so that they never report a
 * value that was not measured.
 */
final class MicrometerMetrics extends Metrics {

  private final MeterRegistry registry;
  private final String slotName;
  private final Counter events;
  private final Counter deadLetters;
  private final Counter retries;
  private final Counter recovered;
  private final Timer commitToAck;
  private final Sample slotLag;
  private final Sample streamDelay;

  MicrometerMetrics(Object registryObject, String slotName) {
    this.registry = (MeterRegistry) registryObject;
    this.slotName = slotName;
    events = Counter.builder("outboxkit.relay.events").tag("slot", slotName)
        .description("events published and acknowledged by the broker").register(registry);
    deadLetters = Counter.builder("outboxkit.relay.dead.letters").tag("slot", slotName)
        .description("events the broker rejected for good, sent to the dead-letter topic").register(registry);
    retries = Counter.builder("outboxkit.relay.retries").tag("slot", slotName)
        .description("records sent again after a retriable failure").register(registry);
    recovered = Counter.builder("outboxkit.relay.recovered").tag("slot", slotName)
        .description("events read again from the outbox table after a gap in the stream, and acknowledged")
        .register(registry);
    commitToAck = Timer.builder("outboxkit.relay.commit.to.ack").tag("slot", slotName)
        .description("time from the event's database commit to the broker's acknowledgement")
        .publishPercentiles(0.5, 0.99).register(registry);
    slotLag = new Sample("outboxkit.relay.slot.lag", "bytes", 1,
        "WAL held by the replication slot: current WAL position minus confirmed position");
    streamDelay = new Sample("outboxkit.relay.stream.delay", "seconds", 1000,
        "time the last heartbeat took to come back through the stream, or the oldest one not back yet has taken");
  }

  @Override
  void relayed(int count) {
    events.increment(count);
  }

  @Override
  void commitToAck(long millis) {
    if (millis >= 0) {
      commitToAck.record(millis, TimeUnit.MILLISECONDS);
    }
  }

  @Override
  void deadLettered(int count) {
    deadLetters.increment(count);
  }

  @Override
  void retried(int count) {
    retries.increment(count);
  }

  @Override
  void recovered(int count) {
    recovered.increment(count);
  }

  @Override
  void slotLag(long bytes) {
    slotLag.set(bytes);
  }

  @Override
  void streamDelay(long millis) {
    streamDelay.set(millis);
  }

  /** A gauge registered at its first sample, holding the last sample strongly. */
  private final class Sample {
    private final String name;
    private final String unit;
    private final double divisor;
    private final String description;
    private final AtomicLong value = new AtomicLong();
    private volatile boolean registered;

    Sample(String name, String unit, double divisor, String description) {
      this.name = name;
      this.unit = unit;
      this.divisor = divisor;
      this.description = description;
    }

    void set(long sample) {
      value.set(sample);
      if (!registered) {
        synchronized (this) {
          if (!registered) {
            Gauge.builder(name, value, v -> v.get() / divisor).tag("slot", slotName).baseUnit(unit)
                .description(description).strongReference(true).register(registry);
            registered = true;
          }
        }
      }
    }
  }
}
