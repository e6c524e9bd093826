package io.outboxkit.writer;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * The writer's Micrometer meter: {@code outboxkit.writer.events}, events written, tagged with their
 * {@code aggregate.type}. A counter per aggregate type is registered at that type's first event. Aggregate types
 * name topics (the relay sends each to {@code <prefix><aggregate type>}), so they are few; the event type is
 * not a tag, since nothing bounds it.
 */
final class MicrometerMetrics extends Metrics {

  static final String EVENTS = "outboxkit.writer.events";
  static final String AGGREGATE_TYPE = "aggregate.type";

  private final MeterRegistry registry;
  private final ConcurrentMap<String, Counter> events = new ConcurrentHashMap<>();

  MicrometerMetrics(Object registry) {
    this.registry = (MeterRegistry) registry;
  }

  @Override
  void written(List<EncodedEvent> written) {
    String type = null;
    int count = 0;
    for (EncodedEvent event : written) {
      if (!event.aggregateType().equals(type)) {
        if (type != null) {
          counter(type).increment(count);
        }
        type = event.aggregateType();
        count = 0;
      }
      count++;
    }
    if (type != null) {
      counter(type).increment(count);
    }
  }

  private Counter counter(String aggregateType) {
    return events.computeIfAbsent(aggregateType, type -> Counter.builder(EVENTS).tag(AGGREGATE_TYPE, type)
        .description("events written to the outbox in a transaction; counted when written, before the commit")
        .register(registry));
  }
}
