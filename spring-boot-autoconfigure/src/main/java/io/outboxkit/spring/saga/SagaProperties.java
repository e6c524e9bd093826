package io.outboxkit.spring.saga;

import io.outboxkit.core.OutboxConfigurationException;
import io.outboxkit.core.SqlIdentifier;
import java.time.Duration;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Settings of the saga orchestrator and participant, bound from {@code outbox.saga.*}. Immutable; validated
 * when bound.
 *
 * @param enabled Whether to run the saga orchestrator (when the application has SagaDefinition beans) and
 *     the saga participant (when it has a SagaParticipant bean)
 * @param schema The schema of the saga tables (saga_instance, saga_step_history, saga_barrier); it must exist
 * @param initializeSchema Whether to install the saga tables at start-up (idempotent): the orchestrator's when
 *     there are SagaDefinition beans, the barrier when there is a SagaParticipant bean
 * @param topicPrefix The prefix the relay puts before an aggregate type to name its topic; the reply and
 *     command topics are this prefix followed by the channel
 * @param replyChannel The channel (aggregate type) participants reply to; the orchestrator consumes its topic
 * @param consumerGroup The Kafka consumer group of the orchestrator's reply consumer, the same in every
 *     instance of the service; also the inbox consumer name of the replies
 * @param concurrency How many consumers of the replies each instance runs in the group (one thread each, sharing
 *     the reply topic's partitions); more than the topic's partitions over all instances leaves some idle
 * @param autoStartup Whether the saga consumers (the orchestrator's replies and scanner, the participant's
 *     commands) start with the application context; {@code false} for an instance that starts sagas in its
 *     transactions but leaves advancing them to other instances, or starts the consumers later through the
 *     {@code sagaOrchestratorLifecycle} and {@code sagaParticipantLifecycle} beans
 * @param scanInterval How often each instance looks for sagas whose deadline or retry time has come
 * @param scanBatchSize The most sagas one scan claims in one transaction
 * @param overdueAfter How long past its next check time a saga in progress may stay before the health shows
 *     it as overdue (no scanner looked at it)
 * @param participant The participant's command consumer
 */
@ConfigurationProperties("outbox.saga")
public record SagaProperties(
    @DefaultValue("true") boolean enabled,
    @DefaultValue("public") String schema,
    @DefaultValue("false") boolean initializeSchema,
    @DefaultValue("outbox.event.") String topicPrefix,
    @DefaultValue("saga-replies") String replyChannel,
    @DefaultValue("outboxkit-saga-orchestrator") String consumerGroup,
    @DefaultValue("1") int concurrency,
    @DefaultValue("true") boolean autoStartup,
    @DefaultValue("1s") Duration scanInterval,
    @DefaultValue("100") int scanBatchSize,
    @DefaultValue("1m") Duration overdueAfter,
    @DefaultValue Participant participant) {

  /** Validates the values; the error names the property. */
  public SagaProperties {
    SqlIdentifier.of("outbox.saga.schema", schema);
    requireText("outbox.saga.reply-channel", replyChannel);
    requireText("outbox.saga.consumer-group", consumerGroup);
    positive("outbox.saga.scan-interval", scanInterval);
    positive("outbox.saga.overdue-after", overdueAfter);
    atLeastOne("outbox.saga.concurrency", concurrency, "consumer of the replies");
    if (scanBatchSize < 1) {
      throw new OutboxConfigurationException("outbox.saga.scan-batch-size is " + scanBatchSize
          + ": set 1 or more sagas per scan");
    }
  }

  /** The topic of the replies. */
  public String replyTopic() {
    return topicPrefix + replyChannel;
  }

  /**
   * The participant side: a SagaParticipant bean's commands are consumed from the channel's topic.
   *
   * @param channel The channel (aggregate type) this service receives its saga commands on, for example
   *     {@code payment}; required when the application has a SagaParticipant bean
   * @param consumerGroup The Kafka consumer group and inbox consumer name of the command consumer; default
   *     {@code outboxkit-saga-<channel>}
   * @param concurrency How many consumers of the commands each instance runs in the group (one thread each,
   *     sharing the command topic's partitions)
   */
  public record Participant(@Nullable String channel, @Nullable String consumerGroup,
      @DefaultValue("1") int concurrency) {

    /** Validates the values; the error names the property. */
    public Participant {
      atLeastOne("outbox.saga.participant.concurrency", concurrency, "consumer of the commands");
    }

    /** The consumer group: the one given, or one named after the channel. */
    public String consumerGroupOrDefault() {
      return consumerGroup != null && !consumerGroup.isBlank() ? consumerGroup : "outboxkit-saga-" + channel;
    }
  }

  private static void atLeastOne(String property, int value, String what) {
    if (value < 1) {
      throw new OutboxConfigurationException(property + " is " + value + ": set 1 or more (one " + what
          + " per thread)");
    }
  }

  private static void requireText(String property, @Nullable String value) {
    if (value == null || value.isBlank()) {
      throw new OutboxConfigurationException(property + " is empty: set a name");
    }
  }

  private static void positive(String property, @Nullable Duration value) {
    if (value == null || value.isNegative() || value.isZero()) {
      throw new OutboxConfigurationException(property + " is " + value + ": set a positive duration");
    }
  }
}
