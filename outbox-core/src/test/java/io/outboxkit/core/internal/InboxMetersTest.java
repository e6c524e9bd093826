package io.outboxkit.core.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.outboxkit.core.OutboxConfigurationException;
import org.junit.jupiter.api.Test;

class InboxMetersTest {

  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

  @Test
  void aListenersConsumerGetsItsFourCountersAtItsFirstCall() {
    InboxMeters meters = InboxMeters.create(registry);
    assertThat(registry.getMeters()).isEmpty();

    meters.listener("billing");

    assertThat(registry.getMeters()).extracting(meter -> meter.getId().getName()).containsExactlyInAnyOrder(
        "outboxkit.inbox.processed", "outboxkit.inbox.duplicates", "outboxkit.inbox.failures",
        "outboxkit.inbox.dead.letters");
    assertThat(registry.getMeters()).allSatisfy(meter -> assertThat(meter.getId().getTag("consumer"))
        .isEqualTo("billing"));
    assertThat(count("outboxkit.inbox.processed", "billing")).isZero();
  }

  @Test
  void aRunnersConsumerAlsoGetsSkippedAndOutages() {
    InboxMeters.create(registry).runner("billing");

    assertThat(registry.getMeters()).extracting(meter -> meter.getId().getName()).containsExactlyInAnyOrder(
        "outboxkit.inbox.processed", "outboxkit.inbox.duplicates", "outboxkit.inbox.failures",
        "outboxkit.inbox.dead.letters", "outboxkit.inbox.skipped", "outboxkit.inbox.outages");
    assertThat(count("outboxkit.inbox.skipped", "billing")).isZero();
    assertThat(count("outboxkit.inbox.outages", "billing")).isZero();
  }

  @Test
  void eachCallMovesItsOwnCounterOfItsOwnConsumer() {
    InboxMeters meters = InboxMeters.create(registry);
    InboxMeters.ConsumerMeters billing = meters.runner("billing");
    InboxMeters.ConsumerMeters shipping = meters.listener("shipping");

    billing.processed(3);
    billing.duplicates(2);
    billing.failures(1);
    billing.deadLetter();
    billing.skipped();
    billing.outage();
    billing.outage();
    shipping.processed(1);

    assertThat(count("outboxkit.inbox.processed", "billing")).isEqualTo(3);
    assertThat(count("outboxkit.inbox.duplicates", "billing")).isEqualTo(2);
    assertThat(count("outboxkit.inbox.failures", "billing")).isEqualTo(1);
    assertThat(count("outboxkit.inbox.dead.letters", "billing")).isEqualTo(1);
    assertThat(count("outboxkit.inbox.skipped", "billing")).isEqualTo(1);
    assertThat(count("outboxkit.inbox.outages", "billing")).isEqualTo(2);
    assertThat(count("outboxkit.inbox.processed", "shipping")).isEqualTo(1);
    assertThat(count("outboxkit.inbox.duplicates", "shipping")).isZero();
  }

  @Test
  void twoRunnersOfOneConsumerCountTogether() {
    InboxMeters.create(registry).runner("billing").processed(2);
    InboxMeters.create(registry).runner("billing").processed(3);

    assertThat(count("outboxkit.inbox.processed", "billing")).isEqualTo(5);
  }

  @Test
  void withoutARegistryNothingIsRecorded() {
    InboxMeters meters = InboxMeters.create(null);
    assertThat(meters).isSameAs(InboxMeters.NONE);
    meters.runner("billing").processed(1);
    meters.listener("billing").deadLetter();
    assertThat(registry.getMeters()).isEmpty();
  }

  @Test
  void onlyAMicrometerRegistryIsAccepted() {
    assertThat(MeterRegistries.require("meterRegistry", registry)).isSameAs(registry);
    assertThat(MeterRegistries.isMeterRegistry("a string")).isFalse();
    assertThatThrownBy(() -> MeterRegistries.require("inbox runner meterRegistry", "a string"))
        .isInstanceOf(OutboxConfigurationException.class)
        .hasMessage("inbox runner meterRegistry must be an io.micrometer.core.instrument.MeterRegistry "
            + "(io.micrometer:micrometer-core), was java.lang.String");
    assertThatThrownBy(() -> MeterRegistries.require("OutboxWriter meterRegistry", null))
        .isInstanceOf(OutboxConfigurationException.class).hasMessageStartingWith("OutboxWriter meterRegistry is null");
  }

  private double count(String name, String consumer) {
    Counter counter = registry.get(name).tag("consumer", consumer).counter();
    return counter.count();
  }
}
