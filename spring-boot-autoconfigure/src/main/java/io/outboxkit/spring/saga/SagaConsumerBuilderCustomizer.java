package io.outboxkit.spring.saga;

import io.outboxkit.inbox.kafka.InboxKafkaRunner;

/**
 * Adjusts the {@link InboxKafkaRunner.Builder} of the orchestrator's reply consumer and the participant's
 * command consumer after their topic, group, handler and Kafka properties were set and before each is built:
 * declare beans of this type for retries, dead letters or polling settings. Customizers run in their
 * {@code @Order}. The application's {@code MeterRegistry}, when there is one, is given by such a customizer.
 */
@FunctionalInterface
public interface SagaConsumerBuilderCustomizer {

  /** Changes the builder in place. */
  void customize(InboxKafkaRunner.Builder builder);
}
