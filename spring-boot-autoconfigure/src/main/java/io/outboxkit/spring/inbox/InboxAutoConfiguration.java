package io.outboxkit.spring.inbox;

import io.outboxkit.inbox.Inbox;
import io.outboxkit.inbox.InboxRetention;
import io.outboxkit.inbox.InboxSchema;
import javax.sql.DataSource;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnSingleCandidate;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.datasource.DataSourceUtils;

/**
 * Creates an {@link Inbox} on the application's DataSource. Inside a Spring-managed transaction of that
 * DataSource, the inbox joins it: the message id and the effect commit together with the caller's other
 * database work.
 *
 * <p>Active when inbox-dedup and spring-jdbc are on the class path, the application has one DataSource (or a
 * primary one) and {@code outbox.inbox.enabled} is not {@code false}. Every bean backs off when the application
 * defines its own.
 */
@AutoConfiguration(afterName = {
    "org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration",
    "org.springframework.boot.jdbc.autoconfigure.DataSourceTransactionManagerAutoConfiguration",
    "org.springframework.boot.transaction.autoconfigure.TransactionAutoConfiguration"})
@ConditionalOnClass({Inbox.class, DataSourceUtils.class})
@ConditionalOnSingleCandidate(DataSource.class)
@ConditionalOnBooleanProperty(name = "outbox.inbox.enabled", matchIfMissing = true)
@EnableConfigurationProperties(InboxProperties.class)
public class InboxAutoConfiguration {

  /** Installs the inbox table at start-up when {@code outbox.inbox.initialize-schema=true}. */
  @Bean
  @ConditionalOnMissingBean
  @ConditionalOnBooleanProperty("outbox.inbox.initialize-schema")
  InboxSchemaInitializer inboxSchemaInitializer(DataSource dataSource, InboxProperties properties) {
    return new InboxSchemaInitializer(dataSource, InboxSchema.builder().schema(properties.table().schema()).table(properties.table().name()).build());
  }

  /** The inbox, joining the Spring-managed transactions of the application's DataSource. */
  @Bean
  @ConditionalOnMissingBean
  Inbox inbox(DataSource dataSource, InboxProperties properties,
      ObjectProvider<InboxSchemaInitializer> schemaInitializer) {
    schemaInitializer.ifAvailable(initializer -> { }); // the table is installed before the first message
    return Inbox.builder(dataSource).table(properties.table().tableName()).joinSpringTransactions(true).build();
  }

  /** Deletes old inbox rows on a schedule when {@code outbox.inbox.retention.enabled=true}. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnBooleanProperty("outbox.inbox.retention.enabled")
  static class RetentionConfiguration {

    @Bean
    @ConditionalOnMissingBean
    InboxRetention inboxRetention(Inbox inbox, InboxProperties properties) {
      InboxProperties.Retention retention = properties.retention();
      return InboxRetention.builder(inbox).maxAge(retention.maxAge()).batchSize(retention.batchSize())
          .interval(retention.interval()).build();
    }

    @Bean
    @ConditionalOnMissingBean
    InboxRetentionLifecycle inboxRetentionLifecycle(InboxRetention inboxRetention) {
      return new InboxRetentionLifecycle(inboxRetention);
    }
  }
}
