/**
 * Spring Kafka integration: {@link io.outboxkit.spring.kafka.IdempotentListener @IdempotentListener} makes a
 * {@code @KafkaListener} method apply each message's effect exactly once through the inbox, and Spring Kafka's
 * {@code DefaultErrorHandler} is configured for retries with backoff and dead letters.
 */
@NullMarked
package io.outboxkit.spring.kafka;

import org.jspecify.annotations.NullMarked;
