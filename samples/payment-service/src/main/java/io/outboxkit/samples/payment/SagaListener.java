package io.outboxkit.samples.payment;

import static io.outboxkit.samples.support.EventTypeFilter.eventType;

import io.outboxkit.samples.payment.SagaEvents.StockReserved;
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
 * Charges or declines each order whose stock was reserved. Through the inbox: the event's id, the payment and
 * the resulting event commit in one transaction, so a redelivered event never charges twice.
 */
@Component
@ConditionalOnProperty(name = "shop.flow", havingValue = "choreography")
class SagaListener {

  /** The events this service reacts to; the others of its topic never reach the listener. */
  static final Set<String> HANDLED_EVENT_TYPES = Set.of("StockReserved");

  private final Payments payments;
  private final JsonMapper json;

  SagaListener(Payments payments, JsonMapper json) {
    this.payments = payments;
    this.json = json;
  }

  @KafkaListener(topics = Topics.STOCK, groupId = "payment-service")
  @IdempotentListener
  public void on(ConsumerRecord<String, String> record) {
    if ("StockReserved".equals(eventType(record))) {
      payments.charge(json.readValue(record.value(), StockReserved.class));
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
