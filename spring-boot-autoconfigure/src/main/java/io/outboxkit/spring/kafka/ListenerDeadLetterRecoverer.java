package io.outboxkit.spring.kafka;

import io.outboxkit.core.DeadLetterHeaders;
import io.outboxkit.core.OutboxHeaders;
import io.outboxkit.core.internal.DeadLetterHeaderValues;
import io.outboxkit.inbox.InboxEffectException;
import io.outboxkit.inbox.InvalidMessageException;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.jspecify.annotations.Nullable;
import org.springframework.kafka.core.KafkaOperations;
import org.springframework.kafka.listener.BatchListenerFailedException;
import org.springframework.kafka.listener.DeadLetterPublishingRecoverer;
import org.springframework.kafka.listener.ListenerExecutionFailedException;
import org.springframework.kafka.support.KafkaUtils;
import org.springframework.kafka.support.converter.ConversionException;
import org.springframework.kafka.support.serializer.DeserializationException;
import org.springframework.messaging.converter.MessageConversionException;
import org.springframework.messaging.handler.invocation.MethodArgumentResolutionException;

/**
 * Spring Kafka's dead-letter publisher with OutboxKit's {@link DeadLetterHeaders}, the same as the relay's and
 * the inbox runner's, in addition to Spring Kafka's own {@code kafka_dlt-*} headers. Dead letters go to the
 * record's topic plus a suffix; their partition is left to the producer's partitioner (by key), so the
 * dead-letter topic may have any number of partitions. Earlier {@code outboxkit.dlq.*} headers of the record
 * are replaced. Each dead letter is counted for the listener's group id.
 */
final class ListenerDeadLetterRecoverer extends DeadLetterPublishingRecoverer {

  private final ListenerMeters meters;

  ListenerDeadLetterRecoverer(KafkaOperations<?, ?> kafkaOperations, String deadLetterTopicSuffix,
      ListenerMeters meters) {
    super(kafkaOperations, (record, exception) -> new TopicPartition(record.topic() + deadLetterTopicSuffix, -1));
    setHeadersFunction(ListenerDeadLetterRecoverer::deadLetterHeaders);
    this.meters = meters;
  }

  /** Publishes the dead letter and, once the broker took it, counts it in {@code outboxkit.inbox.dead.letters}. */
  @Override
  public void accept(ConsumerRecord<?, ?> record, @Nullable Consumer<?, ?> consumer, Exception exception) {
    super.accept(withoutDeadLetterHeaders(record), consumer, exception);
    meters.deadLetter(KafkaUtils.getConsumerGroupId());
  }

  /** The {@link DeadLetterHeaders} for a record the listener failed on. */
  static Headers deadLetterHeaders(ConsumerRecord<?, ?> record, Exception exception) {
    Throwable error = listenerError(exception);
    String reason = isInvalidMessage(error) ? DeadLetterHeaders.REASON_INVALID_MESSAGE
        : DeadLetterHeaders.REASON_RETRIES_EXHAUSTED;
    Header id = record.headers().lastHeader(OutboxHeaders.ID);
    RecordHeaders headers = new RecordHeaders();
    new DeadLetterHeaderValues(reason, error)
        .consumedRecord(record.topic(), record.partition(), record.offset(), record.timestamp())
        .eventId(id == null || id.value() == null ? null : new String(id.value(), StandardCharsets.UTF_8))
        .consumer(KafkaUtils.getConsumerGroupId())
        .values().forEach((name, value) -> headers.add(name, value.getBytes(StandardCharsets.UTF_8)));
    return headers;
  }

  /**
   * The listener's own exception: without Spring Kafka's wrappers, and the effect's {@code SQLException}
   * rather than the inbox's wrapper, as the inbox runner reports it.
   */
  static Throwable listenerError(Throwable exception) {
    Throwable error = exception;
    for (int depth = 0; depth < 8 && error.getCause() != null
        && (error instanceof ListenerExecutionFailedException || error instanceof BatchListenerFailedException
            || error instanceof InboxEffectException); depth++) {
      error = error.getCause();
    }
    return error;
  }

  /**
   * Records that can never be processed: those the inbox or the listener refused, and those Spring Kafka could
   * not turn into the listener's arguments (the default error handler does not retry them either).
   */
  private static boolean isInvalidMessage(Throwable error) {
    return error instanceof InvalidMessageException
        || error instanceof DeserializationException
        || error instanceof ConversionException
        || error instanceof MessageConversionException
        || error instanceof MethodArgumentResolutionException;
  }

  private static ConsumerRecord<?, ?> withoutDeadLetterHeaders(ConsumerRecord<?, ?> record) {
    boolean stale = false;
    for (Header header : record.headers()) {
      stale |= DeadLetterHeaderValues.isDeadLetterHeader(header.key());
    }
    if (!stale) {
      return record;
    }
    RecordHeaders kept = new RecordHeaders();
    for (Header header : record.headers()) {
      if (!DeadLetterHeaderValues.isDeadLetterHeader(header.key())) {
        kept.add(header);
      }
    }
    return new ConsumerRecord<>(record.topic(), record.partition(), record.offset(), record.timestamp(),
        record.timestampType(), record.serializedKeySize(), record.serializedValueSize(), record.key(),
        record.value(), kept, record.leaderEpoch());
  }
}
