package io.outboxkit.samples.inventory;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.springframework.kafka.listener.adapter.RecordFilterStrategy;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.stereotype.Component;

/**
 * Discards the events of the subscribed topics that this service does not react to, before the listener and
 * its inbox: Spring Boot applies it to the listener container factory.
 */
@Component
@ConditionalOnProperty(name = "shop.flow", havingValue = "choreography")
class EventFilter implements RecordFilterStrategy<Object, Object> {

  @Override
  public boolean filter(ConsumerRecord<Object, Object> record) {
    return !SagaListener.handles(record);
  }
}
