package io.outboxkit.samples.support;

import io.outboxkit.core.OutboxHeaders;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.springframework.kafka.listener.adapter.RecordFilterStrategy;

/**
 * Discards the records of the subscribed topics whose {@code eventType} header names none of the events a
 * service reacts to, before the listener and its inbox see them. Declared as a {@code RecordFilterStrategy}
 * bean, Spring Boot applies it to the listener container factory. Immutable and thread-safe.
 */
public final class EventTypeFilter implements RecordFilterStrategy<Object, Object> {

  private final Set<String> handledEventTypes;

  /** @param handledEventTypes the event types the service's listener reacts to; the others are discarded */
  public EventTypeFilter(Set<String> handledEventTypes) {
    this.handledEventTypes = Set.copyOf(handledEventTypes);
  }

  /** True for a record to discard: its event type is not one the service reacts to. */
  @Override
  public boolean filter(ConsumerRecord<Object, Object> record) {
    return !handledEventTypes.contains(eventType(record));
  }

  /** The record's {@code eventType} header as text; empty when the record has none. */
  public static String eventType(ConsumerRecord<?, ?> record) {
    Header header = record.headers().lastHeader(OutboxHeaders.EVENT_TYPE);
    return header == null || header.value() == null ? "" : new String(header.value(), StandardCharsets.UTF_8);
  }
}
