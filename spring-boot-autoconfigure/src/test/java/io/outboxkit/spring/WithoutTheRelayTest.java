package io.outboxkit.spring;

import static org.assertj.core.api.Assertions.assertThat;

import io.outboxkit.inbox.Inbox;
import io.outboxkit.inbox.kafka.MessageIdExtractor;
import io.outboxkit.writer.OutboxWriter;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.StreamSupport;
import javax.sql.DataSource;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.annotation.ImportCandidates;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.jdbc.datasource.DriverManagerDataSource;
import org.springframework.kafka.core.DefaultKafkaProducerFactory;
import org.springframework.kafka.core.KafkaOperations;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.util.ClassUtils;

/**
 * An application built with {@code outboxkit-spring-boot-starter}, which has neither the relay nor Debezium:
 * every OutboxKit auto-configuration is applied with their classes hidden, and the writer and the inbox work.
 */
class WithoutTheRelayTest {

  /** The packages of the relay and of Debezium, which outboxkit-spring-boot-starter does not bring. */
  private static final String[] RELAY_PACKAGES = {"io.outboxkit.relay.", "io.debezium."};

  /** Never connected to: nothing listens on port 1, and no check here reaches it. */
  private static final DataSource UNUSED_DATABASE = new DriverManagerDataSource("jdbc:postgresql://127.0.0.1:1/none");

  private final ApplicationContextRunner runner = new ApplicationContextRunner()
      .withConfiguration(AutoConfigurations.of(outboxKitAutoConfigurations()))
      .withClassLoader(new FilteredClassLoader(RELAY_PACKAGES))
      .withBean(DataSource.class, () -> UNUSED_DATABASE)
      .withBean(PlatformTransactionManager.class, () -> new DataSourceTransactionManager(UNUSED_DATABASE))
      .withBean(KafkaOperations.class, WithoutTheRelayTest::unusedTemplate)
      .withPropertyValues("outbox.writer.verify-schema=false");

  @Test
  void theApplicationStartsWithTheWriterAndTheInboxAndNoRelay() {
    runner.run(context -> {
      assertThat(ClassUtils.isPresent("io.outboxkit.relay.OutboxRelay", context.getClassLoader()))
          .as("the relay is hidden from the application").isFalse();
      assertThat(ClassUtils.isPresent("io.debezium.engine.DebeziumEngine", context.getClassLoader()))
          .as("Debezium is hidden from the application").isFalse();
      assertThat(context).hasNotFailed().hasSingleBean(OutboxWriter.class).hasSingleBean(Inbox.class)
          .hasSingleBean(MessageIdExtractor.class).hasBean("idempotentListenerAdvisor")
          .doesNotHaveBean("outboxRelay").doesNotHaveBean("outboxRelayLifecycle")
          .doesNotHaveBean("outboxRelayHealthIndicator");
    });
  }

  @Test
  void enablingTheRelayStopsTheStartAndNamesTheRelayStarter() {
    runner.withPropertyValues("outbox.relay.enabled=true").run(context -> {
      assertThat(context).hasFailed();
      assertThat(StartupFailures.messages(context.getStartupFailure()))
          .contains("outbox.relay.enabled is true, but the relay is not on the class path")
          .contains("io.outboxkit:outboxkit-spring-boot-starter-relay");
    });
  }

  @Test
  void everyOutboxKitAutoConfigurationIsApplied() {
    assertThat(Arrays.stream(outboxKitAutoConfigurations()).map(Class::getSimpleName).toList())
        .contains("OutboxWriterAutoConfiguration", "InboxAutoConfiguration", "InboxListenerAutoConfiguration",
            "OutboxRelayAutoConfiguration", "MissingRelayAutoConfiguration");
  }

  /** The auto-configurations this module registers, as Spring Boot finds them. */
  private static Class<?>[] outboxKitAutoConfigurations() {
    ClassLoader loader = WithoutTheRelayTest.class.getClassLoader();
    List<String> names = StreamSupport.stream(ImportCandidates.load(AutoConfiguration.class, loader).spliterator(),
        false).filter(name -> name.startsWith("io.outboxkit.")).toList();
    return names.stream().map(name -> ClassUtils.resolveClassName(name, loader)).toArray(Class<?>[]::new);
  }

  /** A template that connects only when it sends, which no test here does. */
  private static KafkaTemplate<String, String> unusedTemplate() {
    return new KafkaTemplate<>(new DefaultKafkaProducerFactory<>(Map.of(
        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:1",
        ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class,
        ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class)));
  }
}
