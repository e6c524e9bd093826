package io.outboxkit.samples.inventory;

import static io.outboxkit.samples.support.EventTypeFilter.eventType;

import io.outboxkit.samples.inventory.SagaEvents.OrderCreated;
import io.outboxkit.samples.inventory.SagaEvents.PaymentFailed;
import io.outboxkit.samples.support.EventTypeFilter;
import io.outboxkit.spring.kafka.IdempotentListener;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.springframework.context.annotation.Bean;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.kafka.listener.adapter.RecordFilterStrategy;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;

/**
 * Reserves stock on {@code OrderCreated} and releases it on {@code PaymentFailed} (the saga's compensation).
 * Through the inbox: the event's id, the stock change and the resulting event commit in one transaction, so
 * a redelivered event changes nothing.
 */
@Component
@ConditionalOnProperty(name = "shop.flow", havingValue = "choreography")
class SagaListener {

  /** The events this service reacts to; the others of its topics never reach the listener. */
  static final Set<String> HANDLED_EVENT_TYPES = Set.of("OrderCreated", "PaymentFailed");

  private final Inventory inventory;
  private final JsonMapper json;

  SagaListener(Inventory inventory, JsonMapper json) {
    this.inventory = inventory;
    this.json = json;
  }

  @KafkaListener(topics = {Topics.ORDER, Topics.PAYMENT}, groupId = "inventory-service")
  @IdempotentListener
  public void on(ConsumerRecord<String, String> record) {
    switch (eventType(record)) {
      case "OrderCreated" -> inventory.reserve(json.readValue(record.value(), OrderCreated.class));
      case "PaymentFailed" -> inventory.release(json.readValue(record.value(), PaymentFailed.class).orderId());
      default -> {
        // filtered out before the listener (see eventFilter()); nothing to do
      }
    }
  }

  /**
   * Discards the events of the subscribed topics that this service does not react to, before the listener and
   * its inbox: Spring Boot applies the filter to the listener container factory.
   */
  @Bean
  static RecordFilterStrategy<Object, Object> eventFilter() {
    return new EventTypeFilter(HANDLED_EVENT_TYPES);
  }
}
