package io.outboxkit.spring.kafka;

import java.nio.charset.StandardCharsets;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.utils.Bytes;
import org.jspecify.annotations.Nullable;

/** Gives the inbox's message id extractors, which read raw bytes, a view of a deserialized record. */
final class KafkaRecords {

  private KafkaRecords() {
  }

  /**
   * The record with its key and value as bytes: {@code byte[]} as it is, {@code String} as UTF-8,
   * {@link Bytes} unwrapped; other types become null (only headers can give their message id). Headers are
   * shared, not copied.
   */
  @SuppressWarnings("unchecked")
  static ConsumerRecord<byte[], byte[]> asBytes(ConsumerRecord<?, ?> record) {
    if (isBytes(record.key()) && isBytes(record.value())) {
      return (ConsumerRecord<byte[], byte[]>) record;
    }
    return new ConsumerRecord<>(record.topic(), record.partition(), record.offset(), record.timestamp(),
        record.timestampType(), record.serializedKeySize(), record.serializedValueSize(), bytes(record.key()),
        bytes(record.value()), record.headers(), record.leaderEpoch());
  }

  /** {@code topic-partition@offset}, how log lines and errors name a record. */
  static String where(ConsumerRecord<?, ?> record) {
    return record.topic() + "-" + record.partition() + "@" + record.offset();
  }

  private static boolean isBytes(@Nullable Object value) {
    return value == null || value instanceof byte[];
  }

  private static byte @Nullable [] bytes(@Nullable Object value) {
    if (value instanceof byte[] bytes) {
      return bytes;
    }
    if (value instanceof String text) {
      return text.getBytes(StandardCharsets.UTF_8);
    }
    if (value instanceof Bytes bytes) {
      return bytes.get();
    }
    return null;
  }
}
