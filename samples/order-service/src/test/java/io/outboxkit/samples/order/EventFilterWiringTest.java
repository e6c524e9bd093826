package io.outboxkit.samples.order;

import static org.assertj.core.api.Assertions.assertThat;

import io.outboxkit.core.OutboxHeaders;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.springframework.context.annotation.AnnotationConfigApplicationContext;
import org.springframework.core.env.MapPropertySource;
import org.springframework.kafka.listener.adapter.RecordFilterStrategy;

/** The choreography's listener brings the record filter that Spring Boot applies to the listener containers. */
class EventFilterWiringTest {

  @Test
  void theChoreographyFiltersOutTheEventsTheListenerDoesNotHandle() {
    try (AnnotationConfigApplicationContext context = context("choreography")) {
      @SuppressWarnings("unchecked")
      RecordFilterStrategy<Object, Object> filter = context.getBean(RecordFilterStrategy.class);
      assertThat(filter.filter(record("PaymentCompleted"))).isFalse();
      assertThat(filter.filter(record("StockRejected"))).isFalse();
      assertThat(filter.filter(record("StockReserved"))).isTrue();
    }
  }

  @Test
  void theSagaFlowHasNoFilter() {
    try (AnnotationConfigApplicationContext context = context("saga")) {
      assertThat(context.getBeansOfType(RecordFilterStrategy.class)).isEmpty();
    }
  }

  /** The listener is not created (it would need the service's beans): only its bean methods are read. */
  private static AnnotationConfigApplicationContext context(String flow) {
    AnnotationConfigApplicationContext context = new AnnotationConfigApplicationContext();
    context.getEnvironment().getPropertySources().addFirst(new MapPropertySource("test", Map.of("shop.flow", flow)));
    context.registerBean(SagaListener.class, definition -> definition.setLazyInit(true));
    context.refresh();
    return context;
  }

  private static ConsumerRecord<Object, Object> record(String eventType) {
    ConsumerRecord<Object, Object> record = new ConsumerRecord<>("outbox.event.payment", 0, 0L, "o-1", "{}");
    record.headers().add(OutboxHeaders.EVENT_TYPE, eventType.getBytes(StandardCharsets.UTF_8));
    return record;
  }
}
