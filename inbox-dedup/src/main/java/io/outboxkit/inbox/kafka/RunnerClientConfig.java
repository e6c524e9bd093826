package io.outboxkit.inbox.kafka;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.jspecify.annotations.Nullable;

/** The settings of the runner's Kafka clients: what the user gave, plus what the runner needs. */
final class RunnerClientConfig {

  private RunnerClientConfig() {
  }

  /**
   * The consumer's settings: byte-array deserializers and no auto-commit (the runner commits after the
   * database), {@code auto.offset.reset=earliest} unless given.
   */
  static Map<String, Object> consumer(Map<String, Object> given) {
    Map<String, Object> config = new HashMap<>(given);
    config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    config.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
    config.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
    config.putIfAbsent(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    return config;
  }

  /**
   * The dead-letter producer's settings: the given producer settings or, when none are given, those of the
   * consumer's settings that producers share (connection, security), {@code client.id} excepted; then
   * byte-array serializers, and {@code acks=all}, idempotence and {@code max.block.ms=30000} unless given.
   */
  static Map<String, Object> deadLetterProducer(Map<String, Object> consumerConfig,
      @Nullable Map<String, Object> producerProperties) {
    Map<String, Object> config = new HashMap<>();
    if (producerProperties != null) {
      config.putAll(producerProperties);
    } else {
      consumerConfig.forEach((key, value) -> {
        if (ProducerConfig.configNames().contains(key) && !key.equals(ProducerConfig.CLIENT_ID_CONFIG)) {
          config.put(key, value);
        }
      });
    }
    config.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
    config.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
    config.putIfAbsent(ProducerConfig.ACKS_CONFIG, "all");
    config.putIfAbsent(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    config.putIfAbsent(ProducerConfig.MAX_BLOCK_MS_CONFIG, (int) TimeUnit.SECONDS.toMillis(30));
    return config;
  }
}
