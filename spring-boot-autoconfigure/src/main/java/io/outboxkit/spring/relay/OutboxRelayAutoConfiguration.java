package io.outboxkit.spring.relay;

import io.micrometer.core.instrument.MeterRegistry;
import io.outboxkit.core.OutboxConfigurationException;
import io.outboxkit.relay.OutboxRelay;
import io.outboxkit.spring.OutboxProperties;
import io.outboxkit.spring.OutboxTracingProperties;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.common.config.SslConfigs;
import org.jspecify.annotations.Nullable;
import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.jdbc.autoconfigure.JdbcConnectionDetails;
import org.springframework.boot.kafka.autoconfigure.KafkaConnectionDetails;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.boot.kafka.autoconfigure.SslBundleSslEngineFactory;
import org.springframework.boot.ssl.SslBundle;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.util.ClassUtils;
import org.springframework.util.StringUtils;

/**
 * Runs an {@link OutboxRelay} inside the application when {@code outbox.relay.enabled=true}: built from the
 * {@code outbox.*} and {@code outbox.relay.*} properties (database and brokers default to the application's
 * {@code spring.datasource.*} and {@code spring.kafka.*}), adjusted by {@link OutboxRelayBuilderCustomizer}
 * beans, started after the context has started and closed with the context.
 *
 * <p>With Micrometer on the class path the relay's meters ({@code outboxkit.relay.*}) are registered in the
 * application's {@code MeterRegistry}. With opentelemetry-api, the relay makes producer spans with the
 * application's {@code OpenTelemetry} bean, unless {@code outbox.tracing.enabled=false}. Every bean backs off
 * when the application defines its own.
 */
@AutoConfiguration(afterName = {
    "org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration",
    "org.springframework.boot.kafka.autoconfigure.KafkaAutoConfiguration",
    "org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration"})
@ConditionalOnClass(OutboxRelay.class)
@ConditionalOnBooleanProperty("outbox.relay.enabled")
@EnableConfigurationProperties({OutboxProperties.class, OutboxRelayProperties.class, OutboxTracingProperties.class})
public class OutboxRelayAutoConfiguration {

  private static final String JDBC_CONNECTION_DETAILS =
      "org.springframework.boot.jdbc.autoconfigure.JdbcConnectionDetails";
  private static final String KAFKA_CONNECTION_DETAILS =
      "org.springframework.boot.kafka.autoconfigure.KafkaConnectionDetails";
  /** The builder setting a builder's message starts with, such as jdbcUrl or topicPrefix. */
  private static final Pattern BUILDER_SETTING = Pattern.compile("^[a-z]+[A-Z][A-Za-z]*(?= )");

  /** The relay, built but not started; {@link OutboxRelayLifecycle} starts it. */
  @Bean
  @ConditionalOnMissingBean
  OutboxRelay outboxRelay(OutboxProperties outbox, OutboxRelayProperties properties, BeanFactory beanFactory,
      ObjectProvider<OutboxRelayBuilderCustomizer> customizers) {
    OutboxRelay.Builder builder = OutboxRelay.builder();
    DatabaseLogin database = database(properties, beanFactory);
    if (database.jdbcUrl() == null) {
      throw new OutboxConfigurationException("outbox.relay.jdbc-url is not set, and the application has no "
          + "DataSource URL (spring.datasource.url) to take it from: set outbox.relay.jdbc-url to "
          + "jdbc:postgresql://host:port/database");
    }
    setting("outbox.relay.jdbc-url", () -> builder.jdbcUrl(database.jdbcUrl()));
    if (database.username() == null) {
      throw new OutboxConfigurationException("outbox.relay.username is not set, and the application has no "
          + "DataSource user (spring.datasource.username) to take it from: set outbox.relay.username");
    }
    setting("outbox.relay.username", () -> builder.username(database.username()));
    if (database.password() != null) {
      builder.password(database.password());
    }
    boolean brokersFromApplication = properties.bootstrapServers() == null || properties.bootstrapServers().isEmpty();
    String bootstrapServers = bootstrapServers(properties, brokersFromApplication, beanFactory);
    if (bootstrapServers == null) {
      throw new OutboxConfigurationException("outbox.relay.bootstrap-servers is not set, and the application "
          + "has no spring.kafka.bootstrap-servers to take it from: set outbox.relay.bootstrap-servers to the "
          + "Kafka brokers' host:port pairs");
    }
    setting("outbox.relay.bootstrap-servers", () -> builder.bootstrapServers(bootstrapServers));
    setting("outbox.mode", () -> builder.mode(outbox.mode()));
    if (outbox.mode().readsTable()) {
      setting("outbox.table.schema", () -> builder.schema(outbox.table().schema()));
      setting("outbox.table.name", () -> builder.table(outbox.table().name()));
    } else {
      setting("outbox.wal-message-prefix", () -> builder.walMessagePrefix(outbox.walMessagePrefix()));
    }
    setting("outbox.publication", () -> builder.publication(outbox.publication()));
    setting("outbox.replication-slot", () -> builder.replicationSlot(outbox.replicationSlot()));
    if (properties.schema() != null) {
      setting("outbox.relay.schema", () -> builder.relaySchema(properties.schema()));
    }
    setting("outbox.relay.topic-prefix", () -> builder.topicPrefix(properties.topicPrefix()));
    if (properties.deadLetterTopic() != null) {
      setting("outbox.relay.dead-letter-topic", () -> builder.deadLetterTopic(properties.deadLetterTopic()));
    }
    setting("outbox.relay.heartbeat-interval", () -> builder.heartbeatInterval(properties.heartbeatInterval()));
    setting("outbox.relay.stall-timeout", () -> builder.stallTimeout(properties.stallTimeout()));
    setting("outbox.relay.offset-flush-interval",
        () -> builder.offsetFlushInterval(properties.offsetFlushInterval()));
    builder.highAvailability(properties.highAvailability());
    builder.messages(RelayMessages::withPropertyNames);
    if (brokersFromApplication && ClassUtils.isPresent(KAFKA_CONNECTION_DETAILS, classLoader())) {
      // the same brokers as the application's producers, so the same way in: security.protocol, ssl.*, sasl.*
      ApplicationKafka.securityProperties(beanFactory).forEach((name, value) ->
          setting("spring.kafka (" + name + ")", () -> builder.producerProperty(name, value)));
    }
    properties.producerProperties().forEach((name, value) ->
        setting("outbox.relay.producer-properties[" + name + "]", () -> builder.producerProperty(name, value)));
    properties.debeziumProperties().forEach((name, value) ->
        setting("outbox.relay.debezium-properties[" + name + "]", () -> builder.debeziumProperty(name, value)));
    customizers.orderedStream().forEach(customizer -> customizer.customize(builder));
    return builder.build();
  }

  /** Starts the relay with the context and closes it with the context. */
  @Bean
  @ConditionalOnMissingBean
  OutboxRelayLifecycle outboxRelayLifecycle(OutboxRelay outboxRelay, OutboxRelayProperties properties) {
    return new OutboxRelayLifecycle(outboxRelay, properties.autoStartup());
  }

  /** Registers the relay's meters in the application's MeterRegistry, when there is one. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(MeterRegistry.class)
  static class MetricsConfiguration {

    @Bean
    @ConditionalOnMissingBean(name = "outboxRelayMeterRegistryCustomizer")
    @Order(0)
    OutboxRelayBuilderCustomizer outboxRelayMeterRegistryCustomizer(ObjectProvider<MeterRegistry> meterRegistry) {
      return builder -> meterRegistry.ifUnique(builder::meterRegistry);
    }
  }

  /**
   * The relay's producer spans: with the application's {@code OpenTelemetry} bean when it has one (else {@code
   * GlobalOpenTelemetry}), off with {@code outbox.tracing.enabled=false}.
   */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(name = "io.opentelemetry.api.OpenTelemetry")
  static class TracingConfiguration {

    @Bean
    @ConditionalOnMissingBean(name = "outboxRelayTracingCustomizer")
    @Order(0)
    OutboxRelayBuilderCustomizer outboxRelayTracingCustomizer(OutboxTracingProperties tracing,
        ObjectProvider<io.opentelemetry.api.OpenTelemetry> openTelemetry) {
      return builder -> {
        builder.tracing(tracing.enabled());
        openTelemetry.ifUnique(builder::openTelemetry);
      };
    }
  }

  private record DatabaseLogin(@Nullable String jdbcUrl, @Nullable String username, @Nullable String password) {
  }

  /** The relay's own settings, or else the application's DataSource connection. */
  private static DatabaseLogin database(OutboxRelayProperties properties, BeanFactory beanFactory) {
    if (properties.jdbcUrl() != null) {
      // another database than the application's: its credentials are the relay's own, never the application's
      return new DatabaseLogin(properties.jdbcUrl(), properties.username(), properties.password());
    }
    DatabaseLogin application = ClassUtils.isPresent(JDBC_CONNECTION_DETAILS, classLoader())
        ? ApplicationDataSource.login(beanFactory)
        : new DatabaseLogin(null, null, null);
    return new DatabaseLogin(application.jdbcUrl(),
        properties.username() != null ? properties.username() : application.username(),
        properties.username() != null ? properties.password() : application.password());
  }

  private static @Nullable String bootstrapServers(OutboxRelayProperties properties, boolean fromApplication,
      BeanFactory beanFactory) {
    List<String> servers = properties.bootstrapServers();
    if (fromApplication && ClassUtils.isPresent(KAFKA_CONNECTION_DETAILS, classLoader())) {
      servers = ApplicationKafka.bootstrapServers(beanFactory);
    }
    return servers == null || servers.isEmpty() ? null : String.join(",", servers);
  }

  private static ClassLoader classLoader() {
    return OutboxRelayAutoConfiguration.class.getClassLoader();
  }

  /**
   * Applies one setting; an invalid value fails with the property's name in front of the reason, and in place of
   * the builder setting the reason starts with ("jdbcUrl 'x' is not ..." becomes "outbox.relay.jdbc-url 'x' is
   * not ...").
   */
  private static void setting(String property, Runnable apply) {
    try {
      apply.run();
    } catch (OutboxConfigurationException e) {
      String reason = BUILDER_SETTING.matcher(String.valueOf(e.getMessage())).replaceFirst(property);
      throw new OutboxConfigurationException("the property " + property + " is not accepted: " + reason, e);
    }
  }

  /** Reads Spring Boot's JDBC connection details; loaded only when spring-boot-jdbc is present. */
  private static final class ApplicationDataSource {

    static DatabaseLogin login(BeanFactory beanFactory) {
      JdbcConnectionDetails details = beanFactory.getBeanProvider(JdbcConnectionDetails.class).getIfUnique();
      if (details == null) {
        return new DatabaseLogin(null, null, null);
      }
      try {
        return new DatabaseLogin(details.getJdbcUrl(), details.getUsername(), details.getPassword());
      } catch (RuntimeException e) {
        return new DatabaseLogin(null, null, null); // no URL configured (Spring Boot could not determine one)
      }
    }
  }

  /** Reads Spring Boot's Kafka settings; loaded only when spring-boot-kafka is present. */
  static final class ApplicationKafka {

    private ApplicationKafka() {
    }

    static @Nullable List<String> bootstrapServers(BeanFactory beanFactory) {
      KafkaConnectionDetails details = beanFactory.getBeanProvider(KafkaConnectionDetails.class).getIfUnique();
      return details == null ? null : details.getProducer().getBootstrapServers();
    }

    /**
     * How the application's producers authenticate and encrypt: {@code security.protocol} and the {@code
     * ssl.*} and {@code sasl.*} settings of {@code spring.kafka.*} (including {@code spring.kafka.properties}
     * and {@code spring.kafka.producer.properties}), and an SSL bundle ({@code spring.kafka.ssl.bundle} or
     * the connection details' bundle) the way Spring Boot hands it to its own producers. Nothing else of
     * {@code spring.kafka.producer.*} (acks, batching, serializers) applies to the relay.
     */
    static Map<String, Object> securityProperties(BeanFactory beanFactory) {
      KafkaProperties kafka = beanFactory.getBeanProvider(KafkaProperties.class).getIfUnique();
      KafkaConnectionDetails details = beanFactory.getBeanProvider(KafkaConnectionDetails.class).getIfUnique();
      Map<String, Object> security = new LinkedHashMap<>();
      if (kafka != null) {
        kafka.buildProducerProperties().forEach((name, value) -> {
          if (value != null && (name.equals(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG)
              || name.startsWith("ssl.") || name.startsWith("sasl."))) {
            security.put(name, value);
          }
        });
      }
      if (details != null) {
        KafkaConnectionDetails.Configuration producer = details.getProducer();
        if (StringUtils.hasLength(producer.getSecurityProtocol())) {
          security.put(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG, producer.getSecurityProtocol());
        }
        SslBundle bundle = producer.getSslBundle();
        if (bundle != null) {
          security.put(SslConfigs.SSL_ENGINE_FACTORY_CLASS_CONFIG, SslBundleSslEngineFactory.class);
          security.put(SslBundle.class.getName(), bundle);
        }
      }
      return security;
    }
  }
}
