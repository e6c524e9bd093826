package io.outboxkit.samples.payment;

import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.springframework.kafka.listener.RecordInterceptor;
import org.springframework.kafka.listener.adapter.RecordFilterStrategy;
import org.springframework.stereotype.Component;

/**
 * Counts the deliveries of the events this service reacts to (every delivery, duplicates and retries
 * included), for {@code GET /stats} and the shop demo's report. Spring Boot applies it to the listener
 * container factory as its record interceptor; {@link EventFilter} keeps the other events away from the
 * listener.
 */
@Component
class Deliveries implements RecordInterceptor<Object, Object> {

  private final AtomicLong received = new AtomicLong();
  private final AtomicLong failedAttempts = new AtomicLong();

  @Override
  public ConsumerRecord<Object, Object> intercept(ConsumerRecord<Object, Object> record,
      Consumer<Object, Object> consumer) {
    if (SagaListener.handles(record)) {
      received.incrementAndGet();
    }
    return record;
  }

  @Override
  public void failure(ConsumerRecord<Object, Object> record, Exception exception, Consumer<Object, Object> consumer) {
    if (SagaListener.handles(record)) {
      failedAttempts.incrementAndGet();
    }
  }

  /** Deliveries of handled events since the service started. */
  long received() {
    return received.get();
  }

  /** Deliveries whose listener call failed (and was rolled back, to be retried). */
  long failedAttempts() {
    return failedAttempts.get();
  }

  /** Discards the events of the subscribed topics that this service does not react to. */
  @Component
  static class EventFilter implements RecordFilterStrategy<Object, Object> {

    @Override
    public boolean filter(ConsumerRecord<Object, Object> record) {
      return !SagaListener.handles(record);
    }
  }
}
