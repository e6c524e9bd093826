package io.outboxkit.relay;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * Micrometer meters of one relay, tagged with its slot:
 * {@code outboxkit.relay.events} (events the broker acknowledged),
 * {@code outboxkit.relay.dead.letters} (events sent to the dead-letter topic),
 * {@code outboxkit.relay.retries} (records sent again after a retriable failure),
 * {@code outboxkit.relay.commit.to.ack} (time from the transaction's commit to the broker's acknowledgement)
 * and {@code outboxkit.relay.slot.lag} (bytes of WAL the slot holds).
 */
final class MicrometerMetrics extends Metrics {

  private final Counter events;
  private final Counter deadLetters;
  private final Counter retries;
  private final Timer commitToAck;

  MicrometerMetrics(Object registryObject, String slotName, LongSupplier slotLagBytes) {
    MeterRegistry registry = (MeterRegistry) registryObject;
    events = Counter.builder("outboxkit.relay.events").tag("slot", slotName)
        .description("events published and acknowledged by the broker").register(registry);
    deadLetters = Counter.builder("outboxkit.relay.dead.letters").tag("slot", slotName)
        .description("events the broker rejected for good, sent to the dead-letter topic").register(registry);
    retries = Counter.builder("outboxkit.relay.retries").tag("slot", slotName)
        .description("records sent again after a retriable failure").register(registry);
    commitToAck = Timer.builder("outboxkit.relay.commit.to.ack").tag("slot", slotName)
        .description("time from the event's database commit to the broker's acknowledgement")
        .publishPercentiles(0.5, 0.99).register(registry);
    Gauge.builder("outboxkit.relay.slot.lag", slotLagBytes, supplier -> supplier.getAsLong())
        .tag("slot", slotName).baseUnit("bytes")
        .description("WAL held by the replication slot: current WAL position minus confirmed position")
        .register(registry);
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
}
