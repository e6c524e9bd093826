package io.outboxkit.inbox.kafka;

import io.outboxkit.core.DeadLetterHeaders;
import io.outboxkit.core.OutboxException;
import io.outboxkit.core.OutboxHeaders;
import io.outboxkit.core.ServerUnavailableException;
import io.outboxkit.core.internal.DeadLetterHeaderValues;
import io.outboxkit.inbox.InboxEffectException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.jspecify.annotations.Nullable;

/** Sends records that cannot be processed to the dead-letter topic, and waits for the broker's ack. */
final class DeadLetterPublisher implements AutoCloseable {

  private final Supplier<Producer<byte[], byte[]>> producerFactory;
  private final @Nullable String fixedTopic;
  private final String suffix;
  private final Duration timeout;
  private @Nullable Producer<byte[], byte[]> producer;

  DeadLetterPublisher(Supplier<Producer<byte[], byte[]>> producerFactory, @Nullable String fixedTopic,
      String suffix, Duration timeout) {
    this.producerFactory = producerFactory;
    this.fixedTopic = fixedTopic;
    this.suffix = suffix;
    this.timeout = timeout;
  }

  String topicFor(String originalTopic) {
    return fixedTopic != null ? fixedTopic : originalTopic + suffix;
  }

  /**
   * Publishes the record with its original key, value and headers plus the {@link DeadLetterHeaders}.
   *
   * @throws ServerUnavailableException if the broker did not acknowledge it within the timeout
   * @throws OutboxException if the broker refused it
   */
  void publish(ConsumerRecord<byte[], byte[]> record, Throwable error, int attempts, String reason,
      String consumer, @Nullable String messageId) {
    String topic = topicFor(record.topic());
    Headers headers = headers(record, error, attempts, reason, consumer, messageId);
    ProducerRecord<byte[], byte[]> deadLetter =
        new ProducerRecord<>(topic, null, null, record.key(), record.value(), headers);
    try {
      producer().send(deadLetter).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new OutboxException("interrupted while sending " + where(record) + " to dead-letter topic " + topic, e);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause() == null ? e : e.getCause();
      throw new OutboxException("sending " + where(record) + " to dead-letter topic " + topic + " failed: "
          + cause.getMessage(), cause);
    } catch (TimeoutException e) {
      throw new ServerUnavailableException("the broker did not acknowledge " + where(record)
          + " on dead-letter topic " + topic + " within " + timeout.toMillis() + " ms", e);
    } catch (RuntimeException e) {
      throw new OutboxException("sending " + where(record) + " to dead-letter topic " + topic + " failed: "
          + e.getMessage(), e);
    }
  }

  static Headers headers(ConsumerRecord<byte[], byte[]> record, Throwable error, int attempts, String reason,
      String consumer, @Nullable String messageId) {
    RecordHeaders headers = new RecordHeaders();
    for (Header header : record.headers()) {
      if (!DeadLetterHeaderValues.isDeadLetterHeader(header.key())) {
        headers.add(header);
      }
    }
    Throwable reported = error instanceof InboxEffectException && error.getCause() != null ? error.getCause() : error;
    Header id = record.headers().lastHeader(OutboxHeaders.ID);
    new DeadLetterHeaderValues(reason, reported)
        .consumedRecord(record.topic(), record.partition(), record.offset(), record.timestamp())
        .eventId(id == null || id.value() == null ? null : new String(id.value(), StandardCharsets.UTF_8))
        .consumer(consumer)
        .attempts(attempts)
        .messageId(messageId)
        .values().forEach((name, value) -> headers.add(name, value.getBytes(StandardCharsets.UTF_8)));
    return headers;
  }

  private Producer<byte[], byte[]> producer() {
    Producer<byte[], byte[]> current = producer;
    if (current == null) {
      current = producerFactory.get();
      producer = current;
    }
    return current;
  }

  private static String where(ConsumerRecord<?, ?> record) {
    return "record " + record.topic() + "-" + record.partition() + "@" + record.offset();
  }

  @Override
  public void close() {
    Producer<byte[], byte[]> current = producer;
    producer = null;
    if (current != null) {
      current.close(Duration.ofSeconds(10));
    }
  }
}
