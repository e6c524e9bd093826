package io.outboxkit.spring.kafka;

import io.outboxkit.inbox.kafka.RecordTracing;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.jspecify.annotations.Nullable;
import org.springframework.kafka.support.KafkaUtils;

/**
 * Consumer spans around {@link IdempotentListener @IdempotentListener} methods: the same spans, names and
 * attributes as the inbox runner's ({@link RecordTracing}), per consumer name and group.
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
    if (!enabled) {
      return RecordTracing.TraceSpan.NONE;
    }
    String group = KafkaUtils.getConsumerGroupId();
    RecordTracing tracing = byConsumer.computeIfAbsent(group == null ? consumer : consumer + '\n' + group,
        key -> RecordTracing.create(openTelemetry, consumer, group));
    return tracing.startRecord(record);
  }
}
