package io.outboxkit.relay;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

class MetricsTest {

  @Test
  void aGaugeReportsNothingBeforeItsFirstSampleAndKeepsItsValueThroughAGarbageCollection() {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    Metrics metrics = Metrics.create(registry, "s");
    assertThat(registry.find("outboxkit.relay.slot.lag").gauge()).isNull();
    assertThat(registry.find("outboxkit.relay.stream.delay").gauge()).isNull();

    metrics.slotLag(4096);
    metrics.streamDelay(1500);
    System.gc();
    assertThat(registry.get("outboxkit.relay.slot.lag").tag("slot", "s").gauge().value()).isEqualTo(4096);
    assertThat(registry.get("outboxkit.relay.stream.delay").gauge().value()).isEqualTo(1.5);

    metrics.slotLag(0);
    assertThat(registry.get("outboxkit.relay.slot.lag").gauge().value()).isZero();
  }
}
