package io.outboxkit.inbox.kafka;

import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.jspecify.annotations.Nullable;

/**
 * Takes the dedup key (the inbox's message id) from a Kafka record.
 *
 * <p>The default, {@link #idHeader()}, is the event id the relay writes in the {@code id} header: each
 * outbox row is processed once. A business key instead (for example {@link #eventTypeAndJsonPointers
 * eventTypeAndJsonPointers("/orderId")}) also folds together different events that describe the same
 * business fact, for example the same order published twice by a retried request.
 *
 * <p>Return null, or throw {@link io.outboxkit.inbox.InvalidMessageException}, when the record has no key:
 * the runner then applies its {@link InvalidMessageAction} (dead letter by default) and never processes the
 * record without a key. Any other exception is treated the same way. Implementations must be thread-safe
 * and deterministic: the same record must always give the same key.
 *
 * <p>Keys made of several parts (from {@link #headers}, {@link #jsonPointers} or
 * {@link #eventTypeAndJsonPointers}) are joined with {@code |}, a {@code |} or {@code \} inside a part
 * escaped with {@code \}, so different parts never give the same key. A single part is used as it is.
 */
@FunctionalInterface
public interface MessageIdExtractor {

  /**
   * The record's dedup key, 1 to {@value io.outboxkit.inbox.Inbox#MAX_MESSAGE_ID_LENGTH} characters, or
   * null when it has none.
   */
  @Nullable String extract(ConsumerRecord<byte[], byte[]> record);

  /** The {@code id} header written by the relay (the outbox row's uuid): the default. */
  static MessageIdExtractor idHeader() {
    return HeaderMessageId.ID;
  }

  /** The value of one header (its last occurrence), as UTF-8 text. */
  static MessageIdExtractor header(String name) {
    return new HeaderMessageId(List.of(HeaderMessageId.checkName(name)));
  }

  /**
   * The values of several headers, joined. A record lacking any of them has no key.
   *
   * @param first the first header, for example {@code eventType}
   * @param more further headers
   */
  static MessageIdExtractor headers(String first, String... more) {
    return HeaderMessageId.of(first, more);
  }

  /**
   * Values taken from the JSON payload with JSON pointers (RFC 6901), joined in the given order. Each must
   * point at a string, number or boolean; a missing value, null, object or array, or a body that is not
   * JSON, means the record has no key. Numbers are not rounded: {@code 1.10} gives {@code "1.10"}.
   *
   * @param pointers for example {@code "/orderId"} or {@code "/order/id", "/lineNo"}
   * @throws io.outboxkit.core.OutboxConfigurationException if a pointer is not valid
   */
  static MessageIdExtractor jsonPointers(String... pointers) {
    return new JsonPointerMessageId(false, pointers);
  }

  /**
   * The {@code eventType} header followed by values from the payload, as {@link #jsonPointers}: for example
   * {@code OrderPlaced|42} for {@code eventTypeAndJsonPointers("/orderId")}. Use it when the same business
   * id appears in several event types that must each be processed. A record without the header has no key.
   */
  static MessageIdExtractor eventTypeAndJsonPointers(String... pointers) {
    return new JsonPointerMessageId(true, pointers);
  }
}
