package io.outboxkit.inbox.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.outboxkit.core.OutboxConfigurationException;
import io.outboxkit.inbox.Inbox;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.postgresql.ds.PGSimpleDataSource;

class InboxKafkaRunnerBuilderTest {

  private final Inbox inbox = Inbox.builder(new PGSimpleDataSource()).build();

  private InboxKafkaRunner.Builder valid() {
    return InboxKafkaRunner.builder(inbox)
        .consumerProperties(Map.of("bootstrap.servers", "127.0.0.1:1", "group.id", "billing"))
        .topics("orders")
        .consumerName("billing")
        .handler((message, connection) -> { });
  }

  @Test
  void aValidConfigurationBuildsWithoutConnecting() {
    InboxKafkaRunner runner = valid().build();
    assertThat(runner.isRunning()).isFalse();
    runner.close();
    assertThat(runner.stats()).isEqualTo(new InboxKafkaRunner.Stats(0, 0, 0, 0, 0, 0));
  }

  @Test
  void aMeterRegistryGetsTheConsumersCountersWhenTheRunnerIsBuilt() {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    InboxKafkaRunner runner = valid().meterRegistry(registry).build();
    runner.close();
    assertThat(registry.getMeters()).extracting(meter -> meter.getId().getName()).containsExactlyInAnyOrder(
        "outboxkit.inbox.processed", "outboxkit.inbox.duplicates", "outboxkit.inbox.failures",
        "outboxkit.inbox.dead.letters", "outboxkit.inbox.skipped", "outboxkit.inbox.outages");
    assertThat(registry.getMeters()).allSatisfy(meter ->
        assertThat(meter.getId().getTag("consumer")).isEqualTo("billing"));
    assertThatThrownBy(() -> valid().meterRegistry("registry"))
        .isInstanceOf(OutboxConfigurationException.class)
        .hasMessageContaining("inbox runner meterRegistry must be an io.micrometer.core.instrument.MeterRegistry");
  }

  @Test
  void requiredSettingsAreNamed() {
    assertThatThrownBy(() -> InboxKafkaRunner.builder(inbox).topics("orders").handler((m, c) -> { })
        .consumerProperties(Map.of("bootstrap.servers", "x:1", "group.id", "g")).build())
        .isInstanceOf(OutboxConfigurationException.class).hasMessageContaining("consumerName");
    assertThatThrownBy(() -> InboxKafkaRunner.builder(inbox).topics("orders").consumerName("c")
        .consumerProperties(Map.of("bootstrap.servers", "x:1", "group.id", "g")).build())
        .isInstanceOf(OutboxConfigurationException.class).hasMessageContaining("no handler");
    assertThatThrownBy(() -> valid().batchHandler((m, c) -> { }).build())
        .isInstanceOf(OutboxConfigurationException.class).hasMessageContaining("only one");
    assertThatThrownBy(() -> InboxKafkaRunner.builder(inbox).topics("orders").consumerName("c")
        .handler((m, c) -> { }).consumerProperties(Map.of("group.id", "g")).build())
        .isInstanceOf(OutboxConfigurationException.class).hasMessageContaining("bootstrap.servers");
    assertThatThrownBy(() -> InboxKafkaRunner.builder(inbox).topics("orders").consumerName("c")
        .handler((m, c) -> { }).consumerProperties(Map.of("bootstrap.servers", "x:1")).build())
        .isInstanceOf(OutboxConfigurationException.class).hasMessageContaining("group.id");
    assertThatThrownBy(() -> InboxKafkaRunner.builder(inbox).consumerName("c").handler((m, c) -> { })
        .consumerProperties(Map.of("bootstrap.servers", "x:1", "group.id", "g")).build())
        .isInstanceOf(OutboxConfigurationException.class).hasMessageContaining("topics");
  }

  @Test
  void settingsThatWouldBreakTheGuaranteesAreRejected() {
    assertThatThrownBy(() -> valid().consumerProperty("enable.auto.commit", "true"))
        .isInstanceOf(OutboxConfigurationException.class).hasMessageContaining("enable.auto.commit");
    assertThatThrownBy(() -> valid().consumerProperty("value.deserializer",
        "org.apache.kafka.common.serialization.StringDeserializer"))
        .isInstanceOf(OutboxConfigurationException.class).hasMessageContaining("value.deserializer");
    assertThatThrownBy(() -> valid().topics("orders.dlq").build())
        .isInstanceOf(OutboxConfigurationException.class).hasMessageContaining("orders.dlq.dlq");
    assertThatThrownBy(() -> valid().deadLetterTopic("orders").build())
        .isInstanceOf(OutboxConfigurationException.class).hasMessageContaining("consumed again");
    valid().consumerProperty("enable.auto.commit", "false")
        .consumerProperty("value.deserializer", "org.apache.kafka.common.serialization.ByteArrayDeserializer")
        .build().close();
  }

  @Test
  void retrySettingsAreValidated() {
    assertThatThrownBy(() -> valid().maxAttempts(0))
        .isInstanceOf(OutboxConfigurationException.class).hasMessageContaining("maxAttempts");
    assertThatThrownBy(() -> valid().backoff(Duration.ofSeconds(5), Duration.ofSeconds(1)))
        .isInstanceOf(OutboxConfigurationException.class).hasMessageContaining("maxDelay");
    assertThatThrownBy(() -> valid().backoff(Duration.ZERO, Duration.ofSeconds(1)))
        .isInstanceOf(OutboxConfigurationException.class).hasMessageContaining("initialDelay");
    assertThatThrownBy(() -> valid().jitter(1.0))
        .isInstanceOf(OutboxConfigurationException.class).hasMessageContaining("jitter");
    assertThatThrownBy(() -> valid().backoffMultiplier(0.5))
        .isInstanceOf(OutboxConfigurationException.class).hasMessageContaining("backoffMultiplier");
    assertThatThrownBy(() -> valid().consumerName(""))
        .isInstanceOf(OutboxConfigurationException.class).hasMessageContaining("consumerName");
  }
}
