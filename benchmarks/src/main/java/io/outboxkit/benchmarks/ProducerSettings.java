package io.outboxkit.benchmarks;

import io.outboxkit.relay.OutboxRelay;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/** The Kafka producer settings the measured systems use, in one place so the results can list them. */
final class ProducerSettings {

  /**
   * The producer settings OutboxKit's relay uses by default ({@link OutboxRelay#DEFAULT_PRODUCER_PROPERTIES});
   * the polling baseline uses the same so that the comparison is about reading the database, not about batching.
   */
  static final Map<String, String> OUTBOXKIT_RELAY = OutboxRelay.DEFAULT_PRODUCER_PROPERTIES;

  /** Kafka's client defaults, written out: what a producer gets with no settings (Kafka 4.x). */
  static final Map<String, String> KAFKA_DEFAULTS = ordered();

  /** The "tuned" producer of the ceiling and of tuned Debezium: bigger batches, a short linger. */
  static final Map<String, String> TUNED = ordered(
      ProducerConfig.LINGER_MS_CONFIG, "5",
      ProducerConfig.BATCH_SIZE_CONFIG, "262144");

  private ProducerSettings() {
  }

  /** Producer properties: bootstrap servers, String keys, byte array values, then {@code settings}. */
  static Properties properties(String bootstrapServers, Map<String, String> settings) {
    Properties properties = new Properties();
    properties.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    properties.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
    properties.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    properties.putAll(settings);
    return properties;
  }

  /** {@code name=value, ...} or "Kafka client defaults". */
  static String describe(Map<String, String> settings) {
    if (settings.isEmpty()) {
      return "Kafka client defaults (acks=all, idempotence on, linger.ms 5, batch.size 16 KiB, no compression)";
    }
    StringBuilder out = new StringBuilder();
    settings.forEach((name, value) -> out.append(out.length() == 0 ? "" : ", ").append(name).append('=').append(value));
    return out.toString();
  }

  private static Map<String, String> ordered(String... namesAndValues) {
    Map<String, String> map = new LinkedHashMap<>();
    for (int i = 0; i < namesAndValues.length; i += 2) {
      map.put(namesAndValues[i], namesAndValues[i + 1]);
    }
    return java.util.Collections.unmodifiableMap(map);
  }
}
