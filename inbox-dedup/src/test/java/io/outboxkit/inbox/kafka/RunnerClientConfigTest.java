package io.outboxkit.inbox.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;

class RunnerClientConfigTest {

  private static final Map<String, Object> GIVEN = Map.of(
      "bootstrap.servers", "broker:9093",
      "group.id", "billing",
      "client.id", "billing-consumer",
      "security.protocol", "SASL_SSL",
      "sasl.mechanism", "PLAIN",
      "max.poll.records", 50);

  @Test
  void theConsumerReadsBytesAndNeverCommitsOnItsOwn() {
    Map<String, Object> config = RunnerClientConfig.consumer(GIVEN);
    assertThat(config).containsEntry("enable.auto.commit", false)
        .containsEntry("key.deserializer", ByteArrayDeserializer.class)
        .containsEntry("value.deserializer", ByteArrayDeserializer.class)
        .containsEntry("auto.offset.reset", "earliest")
        .containsEntry("max.poll.records", 50);
    assertThat(RunnerClientConfig.consumer(Map.of("auto.offset.reset", "latest")))
        .containsEntry("auto.offset.reset", "latest");
  }

  @Test
  void theDeadLetterProducerSharesTheConsumersConnectionSettings() {
    Map<String, Object> config = RunnerClientConfig.deadLetterProducer(RunnerClientConfig.consumer(GIVEN), null);
    assertThat(config).containsEntry("bootstrap.servers", "broker:9093")
        .containsEntry("security.protocol", "SASL_SSL")
        .containsEntry("sasl.mechanism", "PLAIN")
        .containsEntry("key.serializer", ByteArraySerializer.class)
        .containsEntry("value.serializer", ByteArraySerializer.class)
        .containsEntry("acks", "all")
        .containsEntry("enable.idempotence", true)
        .containsEntry("max.block.ms", 30_000)
        .doesNotContainKeys("client.id", "group.id", "max.poll.records", "enable.auto.commit",
            "key.deserializer", "auto.offset.reset");
  }

  @Test
  void givenProducerSettingsReplaceTheConsumersAndKeepTheirChoices() {
    Map<String, Object> config = RunnerClientConfig.deadLetterProducer(RunnerClientConfig.consumer(GIVEN),
        Map.of("bootstrap.servers", "other:9092", "acks", "1", "max.block.ms", 5000));
    assertThat(config).containsEntry("bootstrap.servers", "other:9092")
        .containsEntry("acks", "1")
        .containsEntry("max.block.ms", 5000)
        .containsEntry("enable.idempotence", true)
        .doesNotContainKeys("security.protocol", "sasl.mechanism");
  }
}
