package io.outboxkit.spring.kafka;

import io.micrometer.core.instrument.MeterRegistry;
import io.outboxkit.core.OutboxConfigurationException;
import io.outboxkit.core.internal.InboxMeters;
import io.outboxkit.inbox.Inbox;
import io.outboxkit.inbox.InvalidMessageException;
import io.outboxkit.inbox.kafka.MessageIdExtractor;
import io.outboxkit.spring.OutboxTracingProperties;
import io.outboxkit.spring.inbox.InboxAutoConfiguration;
import io.outboxkit.spring.inbox.InboxProperties;
import javax.sql.DataSource;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnSingleCandidate;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.context.annotation.Role;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.kafka.core.KafkaOperations;
import org.springframework.kafka.listener.CommonErrorHandler;
import org.springframework.kafka.listener.DeadLetterPublishingRecoverer;
import org.springframework.kafka.listener.DefaultErrorHandler;
import org.springframework.transaction.support.TransactionTemplate;
import org.springframework.util.backoff.BackOff;

/**
 * Spring Kafka integration of the inbox.
 *
 * <ul>
 *   <li>{@link IdempotentListener @IdempotentListener} methods run through the application's {@link Inbox}
 *       (when there is one and {@code outbox.inbox.listener.enabled} is not {@code false});
 *   <li>a {@link DefaultErrorHandler} with an {@link ExponentialBackOff} and a
 *       {@link DeadLetterPublishingRecoverer} is defined for Spring Boot's listener container factory (unless
 *       the application defines a {@link CommonErrorHandler}, or
 *       {@code outbox.inbox.listener.error-handler.enabled} is {@code false}); it needs one
 *       {@link KafkaOperations} bean, such as Spring Boot's {@code KafkaTemplate}, to publish dead letters. They
 *       carry the {@link io.outboxkit.core.DeadLetterHeaders}, as the relay's and the inbox runner's do, and
 *       Spring Kafka's own {@code kafka_dlt-*} headers;
 *   <li>with Micrometer and a {@code MeterRegistry}, both record the inbox's counters, tagged with the consumer
 *       name: {@code outboxkit.inbox.processed}, {@code .duplicates}, {@code .failures} (attempts rolled back)
 *       and {@code .dead.letters}, the same meters as the inbox runner's;
 *   <li>with opentelemetry-api, a record listener's method runs in a consumer span like the inbox runner's
 *       (unless {@code outbox.tracing.enabled} is {@code false}).
 * </ul>
 *
 * <p>Active when spring-kafka and inbox-dedup are on the class path and {@code outbox.inbox.enabled} is not
 * {@code false}.
 */
@AutoConfiguration(after = InboxAutoConfiguration.class,
    afterName = "org.springframework.boot.kafka.autoconfigure.KafkaAutoConfiguration")
@ConditionalOnClass({KafkaListener.class, Inbox.class, TransactionTemplate.class})
@ConditionalOnBooleanProperty(name = "outbox.inbox.enabled", matchIfMissing = true)
@EnableConfigurationProperties({InboxProperties.class, OutboxTracingProperties.class})
public class InboxListenerAutoConfiguration {

  /** Idempotent listeners through the inbox. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(DataSourceTransactionManager.class)
  @ConditionalOnBean(Inbox.class)
  @ConditionalOnBooleanProperty(name = "outbox.inbox.listener.enabled", matchIfMissing = true)
  @Import(AutoProxyRegistrar.class)
  @Role(BeanDefinition.ROLE_INFRASTRUCTURE)
  static class IdempotentListenerConfiguration {

    /** Where a record's message id comes from when the annotation does not say: the {@code id} header. */
    @Bean
    @ConditionalOnMissingBean
    MessageIdExtractor inboxMessageIdExtractor() {
      return MessageIdExtractor.idHeader();
    }

    @Bean
    @ConditionalOnMissingBean
    @Role(BeanDefinition.ROLE_INFRASTRUCTURE)
    static IdempotentListenerAdvisor idempotentListenerAdvisor(ConfigurableListableBeanFactory beanFactory,
        ObjectProvider<Inbox> inbox, ObjectProvider<MessageIdExtractor> messageIdExtractor,
        ObjectProvider<DataSource> dataSource) {
      return new IdempotentListenerAdvisor(beanFactory, inbox, messageIdExtractor, dataSource);
    }
  }

  /**
   * The inbox's meters in the application's MeterRegistry, when there is one: what the idempotent listeners
   * and the dead-letter publisher above record.
   */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(MeterRegistry.class)
  static class MetricsConfiguration {

    @Bean
    ListenerMeters inboxListenerMeters(ObjectProvider<MeterRegistry> meterRegistry) {
      return new ListenerMeters(InboxMeters.create(meterRegistry.getIfUnique()));
    }
  }

  /**
   * Consumer spans around idempotent listeners, with the application's {@code OpenTelemetry} bean when it has
   * one (else {@code GlobalOpenTelemetry}), unless {@code outbox.tracing.enabled=false}.
   */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(name = "io.opentelemetry.api.OpenTelemetry")
  static class TracingConfiguration {

    @Bean
    @ConditionalOnMissingBean
    ListenerTracing inboxListenerTracing(OutboxTracingProperties tracing,
        ObjectProvider<io.opentelemetry.api.OpenTelemetry> openTelemetry) {
      return tracing.enabled() ? new ListenerTracing(openTelemetry.getIfUnique()) : ListenerTracing.NONE;
    }
  }

  /** Retries with backoff, then dead letters, for the listeners of Spring Boot's container factory. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnBooleanProperty(name = "outbox.inbox.listener.error-handler.enabled", matchIfMissing = true)
  @ConditionalOnSingleCandidate(KafkaOperations.class)
  static class ErrorHandlerConfiguration {

    @Bean
    @ConditionalOnMissingBean(CommonErrorHandler.class)
    DefaultErrorHandler outboxListenerErrorHandler(KafkaOperations<?, ?> kafkaOperations,
        InboxProperties properties, ObjectProvider<ListenerMeters> meters) {
      InboxProperties.ErrorHandler settings = properties.listener().errorHandler();
      DefaultErrorHandler handler = new DefaultErrorHandler(new ListenerDeadLetterRecoverer(kafkaOperations,
          settings.deadLetterTopicSuffix(), meters.getIfAvailable(() -> ListenerMeters.NONE)), backOff(settings));
      handler.addNotRetryableExceptions(InvalidMessageException.class, OutboxConfigurationException.class);
      return handler;
    }

    static BackOff backOff(InboxProperties.ErrorHandler settings) {
      return new ListenerBackOff(settings);
    }
  }
}
