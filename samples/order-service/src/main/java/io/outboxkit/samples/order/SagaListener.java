package io.outboxkit.samples.order;

import static io.outboxkit.samples.support.EventTypeFilter.eventType;

import io.outboxkit.samples.order.SagaEvents.PaymentCompleted;
import io.outboxkit.samples.order.SagaEvents.PaymentFailed;
import io.outboxkit.samples.order.SagaEvents.StockRejected;
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
 * Ends each order: {@code PaymentCompleted} completes it, {@code StockRejected} and {@code PaymentFailed}
 * cancel it. Through the inbox: the event's id and the order's change (with its own event) commit in one
 * transaction, so a redelivered event changes nothing.
 */
@Component
@ConditionalOnProperty(name = "shop.flow", havingValue = "choreography")
class SagaListener {

  /** The events this service reacts to; the others of its topics never reach the listener. */
  static final Set<String> HANDLED_EVENT_TYPES = Set.of("StockRejected", "PaymentCompleted", "PaymentFailed");

  private final Orders orders;
  private final JsonMapper json;

  SagaListener(Orders orders, JsonMapper json) {
    this.orders = orders;
    this.json = json;
  }

  @KafkaListener(topics = {Topics.STOCK, Topics.PAYMENT}, groupId = "order-service")
  @IdempotentListener
  public void on(ConsumerRecord<String, String> record) {
    switch (eventType(record)) {
      case "PaymentCompleted" -> orders.complete(json.readValue(record.value(), PaymentCompleted.class).orderId());
      case "StockRejected" -> {
        StockRejected rejected = json.readValue(record.value(), StockRejected.class);
        orders.cancel(rejected.orderId(), "OUT_OF_STOCK: " + rejected.reason());
      }
      case "PaymentFailed" -> {
        PaymentFailed failed = json.readValue(record.value(), PaymentFailed.class);
        orders.cancel(failed.orderId(), "PAYMENT_DECLINED: " + failed.reason());
      }
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
