package io.outboxkit.spring.kafka;

import io.outboxkit.inbox.kafka.RecordTracing;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.jspecify.annotations.Nullable;
import org.springframework.kafka.support.KafkaUtils;

/**
 * Consumer spans around {@link IdempotentListener @IdempotentListener} methods: the same spans, names and
 * attributes as the inbox runner's ({@link RecordTracing}), per consumer name and group: a span per record
 * for a record listener, a span per call linked to its records' contexts for a batch listener.
 */
final class ListenerTracing {

  /** No spans: tracing is turned off. */
  static final ListenerTracing NONE = new ListenerTracing(false, null);

  private final boolean enabled;
  private final @Nullable Object openTelemetry;
  private final Map<String, RecordTracing> byConsumer = new ConcurrentHashMap<>();

  /** @param openTelemetry an {@code io.opentelemetry.api.OpenTelemetry}, or null for the global instance */
  ListenerTracing(@Nullable Object openTelemetry) {
    this(true, openTelemetry);
  }

  private ListenerTracing(boolean enabled, @Nullable Object openTelemetry) {
    this.enabled = enabled;
    this.openTelemetry = openTelemetry;
  }

  /** A span for the record, current until closed; {@link RecordTracing.TraceSpan#NONE} without trace context. */
  RecordTracing.TraceSpan start(ConsumerRecord<?, ?> record, String consumer) {
    return enabled ? tracing(consumer).startRecord(record) : RecordTracing.TraceSpan.NONE;
  }

  /**
   * A span for a batch listener's call, linked to the trace context of each record that carries one; {@link
   * RecordTracing.TraceSpan#NONE} when none does.
   *
   * @param records the listener's list argument; items that are not records are left out
   */
  RecordTracing.TraceSpan startBatch(List<?> records, String consumer) {
    if (!enabled) {
      return RecordTracing.TraceSpan.NONE;
    }
    List<ConsumerRecord<?, ?>> consumerRecords = new ArrayList<>(records.size());
    for (Object item : records) {
      if (item instanceof ConsumerRecord<?, ?> record) {
        consumerRecords.add(record);
      }
    }
    return tracing(consumer).startBatch(consumerRecords);
  }

  private RecordTracing tracing(String consumer) {
    String group = KafkaUtils.getConsumerGroupId();
    return byConsumer.computeIfAbsent(group == null ? consumer : consumer + '\n' + group,
        key -> RecordTracing.create(openTelemetry, consumer, group));
  }
}
