package io.outboxkit.writer;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.outboxkit.core.OutboxEvent;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class MetricsTest {

  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

  @Test
  void eventsAreCountedPerAggregateTypeFromTheFirstOne() {
    Metrics metrics = Metrics.create(registry);
    assertThat(registry.find("outboxkit.writer.events").counters()).isEmpty();

    metrics.written(List.of(event("order"), event("order"), event("payment"), event("order")));
    metrics.written(List.of(event("payment")));

    assertThat(count("order")).isEqualTo(3);
    assertThat(count("payment")).isEqualTo(2);
    assertThat(registry.find("outboxkit.writer.events").counters()).hasSize(2);
  }

  @Test
  void twoWritersOnOneRegistryCountTogether() {
    Metrics.create(registry).written(List.of(event("order")));
    Metrics.create(registry).written(List.of(event("order")));

    assertThat(count("order")).isEqualTo(2);
  }

  @Test
  void withoutARegistryNothingIsCounted() {
    Metrics metrics = Metrics.create(null);
    assertThat(metrics).isSameAs(Metrics.NONE);
    metrics.written(List.of(event("order")));
    assertThat(registry.getMeters()).isEmpty();
  }

  private double count(String aggregateType) {
    return registry.get("outboxkit.writer.events").tag("aggregate.type", aggregateType).counter().count();
  }

  private static EncodedEvent event(String aggregateType) {
    return new EncodedEvent(UUID.randomUUID(), OutboxEvent.of(aggregateType, "1", "Happened", "{}"), "{}", null);
  }
}
