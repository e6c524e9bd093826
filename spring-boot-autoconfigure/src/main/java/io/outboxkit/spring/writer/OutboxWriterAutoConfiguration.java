package io.outboxkit.spring.writer;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.MeterRegistry;
import io.outboxkit.core.OutboxConfigurationException;
import io.outboxkit.spring.OutboxProperties;
import io.outboxkit.spring.OutboxTracingProperties;
import io.outboxkit.writer.OutboxSchema;
import io.outboxkit.writer.OutboxWriter;
import io.outboxkit.writer.PayloadSerializer;
import javax.sql.DataSource;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnSingleCandidate;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.sql.init.dependency.DependsOnDatabaseInitialization;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.jdbc.datasource.DataSourceUtils;

/**
 * Creates an {@link OutboxWriter} on the application's DataSource, so that {@code writer.publish(..)} inside a
 * {@code @Transactional} method writes the event in that method's transaction.
 *
 * <p>Active when outbox-writer and spring-jdbc are on the class path, the application has one DataSource (or
 * a primary one) and {@code outbox.writer.enabled} is not {@code false}. {@link OutboxWriterBuilderCustomizer}
 * beans adjust the builder. With Micrometer on the class path the writer's counter
 * ({@code outboxkit.writer.events}) is registered in the application's {@code MeterRegistry}. Every bean backs
 * off when the application defines its own (an application's own writer is not checked at start-up).
 */
@AutoConfiguration(afterName = {
    "org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration",
    "org.springframework.boot.jdbc.autoconfigure.DataSourceTransactionManagerAutoConfiguration",
    "org.springframework.boot.transaction.autoconfigure.TransactionAutoConfiguration"})
@ConditionalOnClass({OutboxWriter.class, DataSourceUtils.class})
@ConditionalOnSingleCandidate(DataSource.class)
@ConditionalOnBooleanProperty(name = "outbox.writer.enabled", matchIfMissing = true)
@EnableConfigurationProperties({OutboxProperties.class, OutboxWriterProperties.class, OutboxTracingProperties.class})
public class OutboxWriterAutoConfiguration {

  /**
   * Turns payloads into JSON: with the application's Jackson 2 {@code ObjectMapper} when it has exactly one,
   * else with a default Jackson 2 mapper.
   */
  @Bean
  @ConditionalOnMissingBean
  PayloadSerializer outboxPayloadSerializer(ObjectProvider<ObjectMapper> objectMapper) {
    ObjectMapper mapper = objectMapper.getIfUnique();
    return mapper != null ? PayloadSerializer.jackson(mapper) : PayloadSerializer.jackson();
  }

  /** Installs the outbox schema at start-up when {@code outbox.writer.initialize-schema=true}. */
  @Bean
  @ConditionalOnMissingBean
  @ConditionalOnBooleanProperty("outbox.writer.initialize-schema")
  OutboxSchemaInitializer outboxSchemaInitializer(DataSource dataSource, OutboxProperties outbox) {
    OutboxSchema.Builder schema = OutboxSchema.builder();
    setting("outbox.table.schema", () -> schema.schema(outbox.table().schema()));
    setting("outbox.table.name", () -> schema.table(outbox.table().name()));
    setting("outbox.publication", () -> schema.publication(outbox.publication()));
    setting("outbox.replication-slot", () -> schema.replicationSlot(outbox.replicationSlot()));
    return new OutboxSchemaInitializer(dataSource, schema.build());
  }

  /**
   * The writer, joining the Spring-managed transactions of the application's DataSource. Created after the
   * database initializers (Flyway, Liquibase, {@code spring.sql.init}) and the schema initializer; unless
   * {@code outbox.writer.verify-schema=false}, it checks then that the outbox table or the replication slot
   * it needs exists.
   */
  @Bean
  @ConditionalOnMissingBean
  @DependsOnDatabaseInitialization
  OutboxWriter outboxWriter(DataSource dataSource, OutboxProperties outbox, OutboxWriterProperties properties,
      OutboxTracingProperties tracing, PayloadSerializer payloadSerializer, ObjectProvider<OutboxSchemaInitializer> schemaInitializer,
      ObjectProvider<OutboxWriterBuilderCustomizer> customizers) {
    schemaInitializer.ifAvailable(initializer -> { }); // the schema is installed before the first write
    OutboxWriter.Builder builder = OutboxWriter.builder(dataSource);
    setting("outbox.table.schema", () -> builder.schema(outbox.table().schema()));
    setting("outbox.table.name", () -> builder.table(outbox.table().name()));
    builder.mode(outbox.mode());
    setting("outbox.wal-message-prefix", () -> builder.walMessagePrefix(outbox.walMessagePrefix()));
    long maxPayloadBytes = properties.maxPayloadSize().toBytes();
    if (maxPayloadBytes > Integer.MAX_VALUE) {
      throw new OutboxConfigurationException("outbox.writer.max-payload-size is " + properties.maxPayloadSize()
          + ": the largest accepted value is " + Integer.MAX_VALUE + " bytes (Kafka's limits are far lower)");
    }
    setting("outbox.writer.max-payload-size", () -> builder.maxPayloadBytes((int) maxPayloadBytes));
    builder.serializer(payloadSerializer);
    builder.allowWritesOutsideTransaction(properties.allowWritesOutsideTransaction());
    builder.traceContextPropagation(properties.traceContextPropagation() && tracing.enabled());
    customizers.orderedStream().forEach(customizer -> customizer.customize(builder));
    OutboxWriter writer = builder.build();
    if (properties.verifySchema()) {
      new OutboxSchemaCheck(outbox).run(dataSource);
    }
    return writer;
  }

  /** Counts the written events in the application's MeterRegistry, when there is one. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(MeterRegistry.class)
  static class MetricsConfiguration {

    @Bean
    @ConditionalOnMissingBean(name = "outboxWriterMeterRegistryCustomizer")
    @Order(0)
    OutboxWriterBuilderCustomizer outboxWriterMeterRegistryCustomizer(ObjectProvider<MeterRegistry> meterRegistry) {
      return builder -> meterRegistry.ifUnique(builder::meterRegistry);
    }
  }

  /** Applies one setting; an invalid value fails with the property's name in front of the reason. */
  private static void setting(String property, Runnable apply) {
    try {
      apply.run();
    } catch (OutboxConfigurationException e) {
      throw new OutboxConfigurationException("the property " + property + " is not accepted: " + e.getMessage(), e);
    }
  }
}
