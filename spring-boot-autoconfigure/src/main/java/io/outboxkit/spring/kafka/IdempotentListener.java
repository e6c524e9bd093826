package io.outboxkit.spring.kafka;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Makes a {@code @KafkaListener} method idempotent: each message's effect is applied once per consumer,
 * however often the record is delivered.
 *
 * <pre>{@code
 * @KafkaListener(topics = "outbox.event.order", groupId = "inventory")
 * @IdempotentListener
 * void on(ConsumerRecord<String, String> record) {
 *   jdbcTemplate.update("UPDATE stock SET reserved = reserved + 1 WHERE sku = ?", skuOf(record.value()));
 * }
 * }</pre>
 *
 * <p>Each call runs in a transaction of the application's DataSource (joining one that is already active).
 * Inside it, the message id is recorded in the inbox table with {@code INSERT ... ON CONFLICT DO NOTHING}: when
 * the id is new, the method runs, and its database work through Spring-managed access to the same DataSource
 * ({@code JdbcTemplate}, {@code JdbcClient}, JPA, {@code OutboxWriter}) commits together with the id; when the id
 * was recorded before, the method is not called at all. When the method throws, the transaction rolls back,
 * the id included, and the exception reaches the container's error handler (retries with backoff, then the
 * dead-letter topic; see {@code outbox.inbox.listener.error-handler.*}).
 *
 * <p>Requirements, checked when the application starts: the method takes the record as a
 * {@code ConsumerRecord} parameter, or a batch listener's records as a {@code List<ConsumerRecord<K, V>>} (any
 * key and value types; other parameters such as {@code Acknowledgment} may follow), and returns {@code void}
 * or an object (the return value of a skipped duplicate is {@code null}). Work done outside the DataSource
 * (HTTP calls, other databases, Kafka sends without transactions) is not undone by the rollback and may be
 * repeated when a failed attempt is retried.
 *
 * <p>A batch listener is called once per poll with the records whose ids are new, their ids recorded in the
 * same transaction. When it throws, the records are applied one by one (the method called with a list of
 * one), and the first that fails reaches the error handler as a {@code BatchListenerFailedException}, so that
 * the records before it stay applied and the failed one is retried, then dead-lettered, alone.
 *
 * <p>The message id is the record's {@code id} header by default (the event id the relay writes), or the
 * application's {@code MessageIdExtractor} bean if it defines one; {@link #messageIdHeaders()} and
 * {@link #messageIdJsonPointers()} choose another key for one listener. A record without a message id is not
 * retried: it goes to the dead-letter topic at once.
 */
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface IdempotentListener {

  /**
   * The inbox consumer name under which message ids are recorded; property placeholders such as
   * {@code ${spring.application.name}} are resolved. Default: the listener's Kafka consumer group id. Keep it
   * stable: under a new name every message is processed again.
   */
  String consumer() default "";

  /**
   * Headers whose values (UTF-8) form the message id, joined with {@code |} when there are several. Default:
   * none, the {@code MessageIdExtractor} bean decides. Exclusive with {@link #messageIdJsonPointers()}.
   */
  String[] messageIdHeaders() default {};

  /**
   * JSON pointers (RFC 6901, for example {@code /orderId}) into the record's value whose values form the
   * message id. The value must be a {@code String} or {@code byte[]} holding JSON. Default: none.
   */
  String[] messageIdJsonPointers() default {};

  /**
   * With {@link #messageIdJsonPointers()}: whether the {@code eventType} header comes first in the message id
   * (for example {@code OrderPlaced|42}), so that different event types with the same business id are each
   * processed. Default {@code false}.
   */
  boolean messageIdWithEventType() default false;
}
