package io.outboxkit.spring.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.outboxkit.inbox.Inbox;
import io.outboxkit.inbox.InvalidMessageException;
import io.outboxkit.inbox.kafka.MessageIdExtractor;
import io.outboxkit.spring.StartupFailures;
import io.outboxkit.spring.inbox.InboxAutoConfiguration;
import io.outboxkit.spring.inbox.InboxProperties;
import java.util.ArrayList;
import java.util.Map;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.springframework.aop.support.AopUtils;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.jdbc.datasource.DriverManagerDataSource;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.kafka.core.DefaultKafkaProducerFactory;
import org.springframework.kafka.core.KafkaOperations;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.listener.CommonErrorHandler;
import org.springframework.kafka.listener.CommonLoggingErrorHandler;
import org.springframework.kafka.listener.DefaultErrorHandler;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.util.backoff.BackOff;
import org.springframework.util.backoff.BackOffExecution;

class InboxListenerAutoConfigurationTest {

  /** Never connected to: no test here reaches the database. */
  private static final DataSource UNUSED_DATABASE = new DriverManagerDataSource("jdbc:postgresql://127.0.0.1:1/none");

  /** A template that connects only when it sends, which no test here does. */
  private static KafkaTemplate<String, String> unusedTemplate() {
    return new KafkaTemplate<>(new DefaultKafkaProducerFactory<>(Map.of(
        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:1",
        ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class,
        ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class)));
  }

  private final ApplicationContextRunner runner = new ApplicationContextRunner()
      .withConfiguration(AutoConfigurations.of(InboxAutoConfiguration.class, InboxListenerAutoConfiguration.class))
      .withBean(DataSource.class, () -> UNUSED_DATABASE)
      .withBean(PlatformTransactionManager.class, () -> new DataSourceTransactionManager(UNUSED_DATABASE))
      .withBean(KafkaOperations.class, InboxListenerAutoConfigurationTest::unusedTemplate);

  @Test
  void definesTheAdvisorAndTheErrorHandler() {
    runner.run(context -> assertThat(context).hasSingleBean(IdempotentListenerAdvisor.class)
        .hasSingleBean(DefaultErrorHandler.class).hasSingleBean(MessageIdExtractor.class));
  }

  @Test
  void listenersAreTracedWithTheApplicationsOpenTelemetryUnlessTracingIsOff() {
    runner.withBean(io.opentelemetry.api.OpenTelemetry.class, io.opentelemetry.api.OpenTelemetry::noop)
        .run(context -> assertThat(context.getBean(ListenerTracing.class)).isNotSameAs(ListenerTracing.NONE));
    runner.withPropertyValues("outbox.tracing.enabled=false")
        .run(context -> assertThat(context.getBean(ListenerTracing.class)).isSameAs(ListenerTracing.NONE));
    runner.withClassLoader(new org.springframework.boot.test.context.FilteredClassLoader("io.opentelemetry"))
        .run(context -> assertThat(context).hasNotFailed().doesNotHaveBean(ListenerTracing.class)
            .hasSingleBean(IdempotentListenerAdvisor.class));
  }

  @Test
  void noAdvisorWithoutAnInboxOrWhenDisabled() {
    runner.withPropertyValues("outbox.inbox.listener.enabled=false").run(context ->
        assertThat(context).hasNotFailed().doesNotHaveBean(IdempotentListenerAdvisor.class)
            .hasSingleBean(DefaultErrorHandler.class));
    new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(InboxListenerAutoConfiguration.class))
        .withBean(KafkaOperations.class, InboxListenerAutoConfigurationTest::unusedTemplate)
        .run(context -> assertThat(context).hasNotFailed().doesNotHaveBean(IdempotentListenerAdvisor.class)
            .hasSingleBean(DefaultErrorHandler.class));
    runner.withPropertyValues("outbox.inbox.enabled=false").run(context ->
        assertThat(context).hasNotFailed().doesNotHaveBean(IdempotentListenerAdvisor.class)
            .doesNotHaveBean(CommonErrorHandler.class));
  }

  @Test
  void noErrorHandlerWhenDisabledWithoutTemplateOrWhenTheApplicationHasOne() {
    runner.withPropertyValues("outbox.inbox.listener.error-handler.enabled=false").run(context ->
        assertThat(context).hasNotFailed().doesNotHaveBean(CommonErrorHandler.class));
    new ApplicationContextRunner()
        .withConfiguration(AutoConfigurations.of(InboxAutoConfiguration.class, InboxListenerAutoConfiguration.class))
        .withBean(DataSource.class, () -> UNUSED_DATABASE)
        .run(context -> assertThat(context).hasNotFailed().doesNotHaveBean(CommonErrorHandler.class)
            .hasSingleBean(IdempotentListenerAdvisor.class));
    CommonErrorHandler mine = new CommonLoggingErrorHandler();
    runner.withBean(CommonErrorHandler.class, () -> mine).run(context ->
        assertThat(context.getBean(CommonErrorHandler.class)).isSameAs(mine));
  }

  @Test
  void nothingWithoutSpringKafka() {
    runner.withClassLoader(new FilteredClassLoader(KafkaListener.class)).run(context ->
        assertThat(context).hasNotFailed().hasSingleBean(Inbox.class)
            .doesNotHaveBean(IdempotentListenerAdvisor.class).doesNotHaveBean(MessageIdExtractor.class));
  }

  @Test
  void userMessageIdExtractorWins() {
    MessageIdExtractor mine = MessageIdExtractor.header("businessId");
    runner.withBean(MessageIdExtractor.class, () -> mine).run(context ->
        assertThat(context.getBean(MessageIdExtractor.class)).isSameAs(mine));
  }

  @Test
  void backoffCountsTheFirstDeliveryAsAnAttempt() {
    runner.withPropertyValues("outbox.inbox.listener.error-handler.attempts=4",
            "outbox.inbox.listener.error-handler.backoff.delay=100ms",
            "outbox.inbox.listener.error-handler.backoff.multiplier=3",
            "outbox.inbox.listener.error-handler.backoff.max-delay=500ms")
        .run(context -> {
          BackOff backOff = InboxListenerAutoConfiguration.ErrorHandlerConfiguration.backOff(
              context.getBean(InboxProperties.class).listener().errorHandler());
          BackOffExecution execution = backOff.start();
          // 4 attempts: the first delivery and 3 retries, after 100, 300 and 500 (capped) ms
          assertThat(execution.nextBackOff()).isEqualTo(100);
          assertThat(execution.nextBackOff()).isEqualTo(300);
          assertThat(execution.nextBackOff()).isEqualTo(500);
          assertThat(execution.nextBackOff()).isEqualTo(BackOffExecution.STOP);
        });
  }

  @Test
  void jitterIsAFractionOfEachDelayEitherWay() {
    runner.withPropertyValues("outbox.inbox.listener.error-handler.attempts=200",
            "outbox.inbox.listener.error-handler.backoff.delay=1000ms",
            "outbox.inbox.listener.error-handler.backoff.multiplier=1",
            "outbox.inbox.listener.error-handler.backoff.jitter=0.2")
        .run(context -> {
          BackOffExecution execution = InboxListenerAutoConfiguration.ErrorHandlerConfiguration.backOff(
              context.getBean(InboxProperties.class).listener().errorHandler()).start();
          List<Long> delays = new ArrayList<>();
          for (int i = 0; i < 199; i++) {
            delays.add(execution.nextBackOff());
          }
          assertThat(delays).allSatisfy(delay -> assertThat(delay).isBetween(800L, 1200L));
          assertThat(delays).as("below the delay too, not only above").anySatisfy(d -> assertThat(d).isLessThan(950L));
          assertThat(delays).anySatisfy(d -> assertThat(d).isGreaterThan(1050L));
        });
  }

  @Test
  void aJitterOfOneOrMoreIsRefusedNamingTheProperty() {
    runner.withPropertyValues("outbox.inbox.listener.error-handler.backoff.jitter=1")
        .run(context -> assertThat(StartupFailures.messages(context.getStartupFailure()))
            .contains("outbox.inbox.listener.error-handler.backoff.jitter is 1.0"));
  }

  @Test
  void annotatedListenersAreProxied() {
    runner.withBean(Listeners.Valid.class).run(context -> {
      assertThat(context).hasNotFailed();
      assertThat(AopUtils.isAopProxy(context.getBean(Listeners.Valid.class))).isTrue();
    });
  }

  @Test
  void aRecordWithoutMessageIdIsRejectedBeforeTheListenerRuns() {
    runner.withBean(Listeners.Valid.class).run(context -> {
      Listeners.Valid listener = context.getBean(Listeners.Valid.class);
      ConsumerRecord<String, String> noIdHeader = new ConsumerRecord<>("orders", 0, 7, "42", "{}");
      assertThatThrownBy(() -> listener.on(noIdHeader))
          .isInstanceOf(InvalidMessageException.class)
          .hasMessageContaining("orders-0@7").hasMessageContaining("no message id");
      assertThat(listener.calls()).isZero();
    });
  }

  @Test
  void aListenerWithoutRecordParameterFailsTheStart() {
    runner.withBean(Listeners.WithoutRecord.class).run(context -> assertThat(
        StartupFailures.messages(context.getStartupFailure()))
        .contains("@IdempotentListener on " + Listeners.WithoutRecord.class.getName() + ".on cannot be used")
        .contains("add a ConsumerRecord<K, V> parameter"));
    // a batch listener of values rather than records: the inbox cannot see the records' headers
    runner.withBean(Listeners.BatchOfValues.class).run(context -> assertThat(
        StartupFailures.messages(context.getStartupFailure()))
        .contains("@IdempotentListener on " + Listeners.BatchOfValues.class.getName() + ".on cannot be used")
        .contains("List<ConsumerRecord<K, V>> for a batch listener"));
    runner.withBean(Listeners.RecordAndBatch.class).run(context -> assertThat(
        StartupFailures.messages(context.getStartupFailure()))
        .contains("more than one ConsumerRecord or List<ConsumerRecord> parameter"));
    runner.withBean(Listeners.Batch.class).run(context -> assertThat(context).hasNotFailed());
  }

  @Test
  void contradictoryMessageIdSettingsFailTheStart() {
    runner.withBean(Listeners.HeadersAndPointers.class).run(context -> assertThat(
        StartupFailures.messages(context.getStartupFailure()))
        .contains("sets both messageIdHeaders and messageIdJsonPointers"));
    runner.withBean(Listeners.PrimitiveResult.class).run(context -> assertThat(
        StartupFailures.messages(context.getStartupFailure())).contains("returns int"));
  }

  /** Listener beans; their methods are what the pointcut checks. */
  static final class Listeners {

    static class Valid {
      private final AtomicInteger calls = new AtomicInteger();

      public int calls() {
        return calls.get();
      }

      @IdempotentListener(consumer = "inventory")
      public void on(ConsumerRecord<String, String> record) {
        calls.incrementAndGet();
      }
    }

    static class WithoutRecord {
      @IdempotentListener
      public void on(String payload) {
      }
    }

    static class BatchOfValues {
      @IdempotentListener
      public void on(List<String> payloads) {
      }
    }

    static class RecordAndBatch {
      @IdempotentListener
      public void on(ConsumerRecord<String, String> record, List<ConsumerRecord<String, String>> records) {
      }
    }

    static class Batch {
      @IdempotentListener
      public void on(List<ConsumerRecord<String, String>> records) {
      }
    }

    static class HeadersAndPointers {
      @IdempotentListener(messageIdHeaders = "id", messageIdJsonPointers = "/orderId")
      public void on(ConsumerRecord<String, String> record) {
      }
    }

    static class PrimitiveResult {
      @IdempotentListener
      public int on(ConsumerRecord<String, String> record) {
        return 1;
      }
    }
  }
}
