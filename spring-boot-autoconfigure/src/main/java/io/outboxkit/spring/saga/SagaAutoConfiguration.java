package io.outboxkit.spring.saga;

import io.micrometer.core.instrument.MeterRegistry;
import io.outboxkit.core.OutboxConfigurationException;
import io.outboxkit.spring.OutboxTracingProperties;
import io.outboxkit.inbox.Inbox;
import io.outboxkit.inbox.kafka.InboxKafkaRunner;
import io.outboxkit.saga.SagaDefinition;
import io.outboxkit.saga.SagaOrchestrator;
import io.outboxkit.saga.SagaParticipant;
import io.outboxkit.saga.SagaSchema;
import io.outboxkit.writer.OutboxWriter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import javax.sql.DataSource;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnSingleCandidate;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.kafka.autoconfigure.KafkaConnectionDetails;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;

/**
 * Sagas in a Spring Boot application. With {@link SagaDefinition} beans: a {@link SagaOrchestrator} on the
 * application's DataSource and OutboxWriter, its reply consumer (an inbox runner on
 * {@code outbox.saga.topic-prefix + reply-channel}, group {@code outbox.saga.consumer-group}) and its scanner,
 * started and stopped with the context, a health indicator {@code saga} and meters. With a
 * {@link SagaParticipant} bean: its command consumer on {@code outbox.saga.topic-prefix +
 * participant.channel}. Kafka connection settings come from {@code spring.kafka.*}. With Micrometer and a
 * {@code MeterRegistry}, both consumers count in the inbox's meters ({@code outboxkit.inbox.processed},
 * {@code .duplicates}, ...), tagged with their consumer name (the consumer group). Each consumer runs
 * {@code outbox.saga.concurrency} (the replies) or {@code outbox.saga.participant.concurrency} (the commands)
 * inbox runners in its group.
 *
 * <p>Active when the saga module is on the class path and {@code outbox.saga.enabled} is not {@code false};
 * every bean backs off when the application defines its own.
 */
@AutoConfiguration(afterName = {
    "io.outboxkit.spring.writer.OutboxWriterAutoConfiguration",
    "io.outboxkit.spring.inbox.InboxAutoConfiguration",
    "org.springframework.boot.kafka.autoconfigure.KafkaAutoConfiguration",
    "org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration"})
@ConditionalOnClass({SagaOrchestrator.class, InboxKafkaRunner.class})
@ConditionalOnBooleanProperty(name = "outbox.saga.enabled", matchIfMissing = true)
@EnableConfigurationProperties(SagaProperties.class)
public class SagaAutoConfiguration {

  /** The orchestrator of the application's saga definitions. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnBean({SagaDefinition.class, OutboxWriter.class, Inbox.class})
  @ConditionalOnSingleCandidate(DataSource.class)
  static class OrchestratorConfiguration {

    @Bean
    @ConditionalOnMissingBean
    SagaOrchestrator sagaOrchestrator(DataSource dataSource, OutboxWriter writer, List<SagaDefinition<?>> definitions,
        SagaProperties properties, ObjectProvider<SagaOrchestratorBuilderCustomizer> customizers) {
      if (properties.initializeSchema()) {
        SagaSchema.orchestrator(properties.schema()).install(dataSource);
      }
      SagaOrchestrator.Builder builder = SagaOrchestrator.builder(dataSource, writer)
          .definitions(definitions)
          .schema(properties.schema())
          .replyChannel(properties.replyChannel())
          .scanInterval(properties.scanInterval())
          .scanBatchSize(properties.scanBatchSize());
      customizers.orderedStream().forEach(customizer -> customizer.customize(builder));
      return builder.build();
    }

    @Bean
    @ConditionalOnMissingBean(name = "sagaOrchestratorLifecycle")
    SagaConsumerLifecycle sagaOrchestratorLifecycle(SagaOrchestrator orchestrator, Inbox inbox,
        SagaProperties properties, ObjectProvider<KafkaProperties> kafka,
        ObjectProvider<KafkaConnectionDetails> connection, ObjectProvider<SagaConsumerBuilderCustomizer> customizers) {
      return new SagaConsumerLifecycle(index -> runner(inbox, properties.replyTopic(), properties.consumerGroup(),
          builder -> builder.handler(orchestrator.replyHandler()), kafka, connection, customizers, index),
          properties.concurrency(),
          orchestrator, properties.autoStartup());
    }

    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(HealthIndicator.class)
    @ConditionalOnEnabledHealthIndicator("saga")
    static class HealthConfiguration {

      @Bean
      @ConditionalOnMissingBean(name = "sagaHealthIndicator")
      HealthIndicator sagaHealthIndicator(SagaOrchestrator orchestrator, SagaProperties properties) {
        return new SagaHealthIndicator(orchestrator, properties.overdueAfter());
      }
    }

    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(Endpoint.class)
    @ConditionalOnAvailableEndpoint(SagaEndpoint.class)
    static class EndpointConfiguration {

      @Bean
      @ConditionalOnMissingBean
      SagaEndpoint sagaEndpoint(SagaOrchestrator orchestrator, SagaProperties properties) {
        return new SagaEndpoint(orchestrator, properties.overdueAfter());
      }
    }

    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(MeterRegistry.class)
    static class MetricsConfiguration {

      /** The orchestrator's counters and timers, in the application's MeterRegistry when there is one. */
      @Bean
      @ConditionalOnMissingBean(name = "sagaMeterRegistryCustomizer")
      SagaOrchestratorBuilderCustomizer sagaMeterRegistryCustomizer(ObjectProvider<MeterRegistry> meterRegistry) {
        return builder -> meterRegistry.ifUnique(builder::meterRegistry);
      }

      @Bean
      @ConditionalOnMissingBean(name = "sagaMeters")
      SagaMeters sagaMeters(SagaOrchestrator orchestrator, SagaProperties properties) {
        return new SagaMeters(orchestrator, properties.overdueAfter());
      }
    }
  }

  /**
   * Spans for the orchestrator's transitions and the saga consumers' records, with the application's {@code
   * OpenTelemetry} bean when it has one (else {@code GlobalOpenTelemetry}), off with
   * {@code outbox.tracing.enabled=false}.
   */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(name = "io.opentelemetry.api.OpenTelemetry")
  @EnableConfigurationProperties(OutboxTracingProperties.class)
  static class TracingConfiguration {

    @Bean
    @ConditionalOnMissingBean(name = "sagaTracingCustomizer")
    @Order(0)
    SagaOrchestratorBuilderCustomizer sagaTracingCustomizer(OutboxTracingProperties tracing,
        ObjectProvider<io.opentelemetry.api.OpenTelemetry> openTelemetry) {
      return builder -> {
        builder.tracing(tracing.enabled());
        openTelemetry.ifUnique(builder::openTelemetry);
      };
    }

    @Bean
    @ConditionalOnMissingBean(name = "sagaConsumerTracingCustomizer")
    @Order(0)
    SagaConsumerBuilderCustomizer sagaConsumerTracingCustomizer(OutboxTracingProperties tracing,
        ObjectProvider<io.opentelemetry.api.OpenTelemetry> openTelemetry) {
      return builder -> {
        builder.tracing(tracing.enabled());
        openTelemetry.ifUnique(builder::openTelemetry);
      };
    }
  }

  /** The inbox meters of the reply and command consumers, tagged with their consumer group. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(MeterRegistry.class)
  static class ConsumerMetricsConfiguration {

    @Bean
    @ConditionalOnMissingBean(name = "sagaConsumerMeterRegistryCustomizer")
    SagaConsumerBuilderCustomizer sagaConsumerMeterRegistryCustomizer(ObjectProvider<MeterRegistry> meterRegistry) {
      return builder -> meterRegistry.ifUnique(builder::meterRegistry);
    }
  }

  /** The command consumer of the application's participant. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnBean({SagaParticipant.class, Inbox.class})
  @ConditionalOnSingleCandidate(DataSource.class)
  static class ParticipantConfiguration {

    @Bean
    @ConditionalOnMissingBean(name = "sagaParticipantLifecycle")
    SagaConsumerLifecycle sagaParticipantLifecycle(SagaParticipant participant, Inbox inbox, DataSource dataSource,
        SagaProperties properties, ObjectProvider<KafkaProperties> kafka,
        ObjectProvider<KafkaConnectionDetails> connection, ObjectProvider<SagaConsumerBuilderCustomizer> customizers) {
      String channel = properties.participant().channel();
      if (channel == null || channel.isBlank()) {
        throw new OutboxConfigurationException("outbox.saga.participant.channel is not set, but the application has a"
            + " SagaParticipant bean: set it to the channel its commands are sent to (the participant name the"
            + " saga definitions give to invoke(..), for example 'payment')");
      }
      if (properties.initializeSchema()) {
        SagaSchema.participant(properties.schema()).install(dataSource);
      }
      return new SagaConsumerLifecycle(index -> runner(inbox, properties.topicPrefix() + channel,
          properties.participant().consumerGroupOrDefault(),
          builder -> builder.handler(participant.commandHandler()), kafka, connection,
          customizers, index), properties.participant().concurrency(), null, properties.autoStartup());
    }
  }

  /**
   * A runner of the saga consumers, one transaction per record: a participant's handlers lock business rows
   * (stock, accounts) that the handlers of another partition's batch may lock in another order, so batches
   * are left to applications that know their handlers do not (the plain Java runner's batchHandler).
   */
  static InboxKafkaRunner runner(Inbox inbox, String topic, String group, Consumer<InboxKafkaRunner.Builder> handler,
      ObjectProvider<KafkaProperties> kafka, ObjectProvider<KafkaConnectionDetails> connection,
      ObjectProvider<SagaConsumerBuilderCustomizer> customizers, int index) {
    Map<String, Object> consumer = new LinkedHashMap<>();
    KafkaProperties properties = kafka.getIfUnique();
    if (properties != null) {
      properties.buildConsumerProperties().forEach((name, value) -> {
        if (value != null && !name.equals(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG)
            && !name.equals(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG)
            && !name.equals(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG)) {
          consumer.put(name, value);
        }
      });
    }
    KafkaConnectionDetails details = connection.getIfUnique();
    if (details != null) {
      consumer.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, String.join(",",
          details.getConsumer().getBootstrapServers()));
    }
    consumer.put(ConsumerConfig.GROUP_ID_CONFIG, group);
    Object instanceId = consumer.get(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG);
    if (instanceId != null && !instanceId.toString().isBlank()) {
      // static membership: each consumer thread needs an id of its own, suffixed as Spring Kafka's concurrent
      // containers do; a restarted instance then takes its partitions back without waiting for a rebalance
      consumer.put(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG, instanceId + "-" + index);
    }
    InboxKafkaRunner.Builder builder = InboxKafkaRunner.builder(inbox)
        .consumerProperties(consumer)
        .topics(topic)
        .consumerName(group)
        .threadName("outboxkit-inbox-" + group + "-" + index);
    handler.accept(builder);
    customizers.orderedStream().forEach(customizer -> customizer.customize(builder));
    return builder.build();
  }
}
