package io.outboxkit.samples.inventory;

import io.outboxkit.core.OutboxHeaders;
import io.outboxkit.samples.inventory.SagaEvents.OrderCreated;
import io.outboxkit.samples.inventory.SagaEvents.PaymentFailed;
import io.outboxkit.spring.kafka.IdempotentListener;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.springframework.kafka.annotation.KafkaListener;
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
        // filtered out before the listener (see EventFilter); nothing to do
      }
    }
  }

  static boolean handles(ConsumerRecord<?, ?> record) {
    return HANDLED_EVENT_TYPES.contains(eventType(record));
  }

  static String eventType(ConsumerRecord<?, ?> record) {
    Header header = record.headers().lastHeader(OutboxHeaders.EVENT_TYPE);
    return header == null || header.value() == null ? "" : new String(header.value(), StandardCharsets.UTF_8);
  }
}
