package io.outboxkit.samples.support;

import static org.assertj.core.api.Assertions.assertThat;

import io.outboxkit.core.OutboxHeaders;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

class EventTypeFilterTest {

  private final EventTypeFilter filter = new EventTypeFilter(Set.of("OrderCreated", "PaymentFailed"));

  @Test
  void recordsOfHandledTypesPassAndTheOthersAreDiscarded() {
    assertThat(filter.filter(record("OrderCreated"))).isFalse();
    assertThat(filter.filter(record("PaymentFailed"))).isFalse();
    assertThat(filter.filter(record("PaymentCompleted"))).isTrue();
    assertThat(filter.filter(record(null))).as("a record without eventType header").isTrue();
  }

  @Test
  void theEventTypeIsTheLastHeaderValueOrEmpty() {
    ConsumerRecord<Object, Object> record = record("StockReserved");
    record.headers().add(OutboxHeaders.EVENT_TYPE, "StockRejected".getBytes(StandardCharsets.UTF_8));
    assertThat(EventTypeFilter.eventType(record)).isEqualTo("StockRejected");
    assertThat(EventTypeFilter.eventType(record(null))).isEmpty();
  }

  private static ConsumerRecord<Object, Object> record(String eventType) {
    ConsumerRecord<Object, Object> record = new ConsumerRecord<>("outbox.event.order", 0, 0L, "o-1", "{}");
    if (eventType != null) {
      record.headers().add(OutboxHeaders.EVENT_TYPE, eventType.getBytes(StandardCharsets.UTF_8));
    }
    return record;
  }
}
