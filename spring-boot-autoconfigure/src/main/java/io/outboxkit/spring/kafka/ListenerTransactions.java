package io.outboxkit.spring.kafka;

import io.outboxkit.core.OutboxConfigurationException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.kafka.transaction.KafkaAwareTransactionManager;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The transactions that {@link IdempotentListener @IdempotentListener} methods run in: those of the
 * transaction manager of the inbox's DataSource, chosen on first use. Thread-safe.
 */
final class ListenerTransactions {

  private final ConfigurableListableBeanFactory beanFactory;
  private final ObjectProvider<DataSource> dataSource;
  private volatile @Nullable TransactionTemplate template;

  ListenerTransactions(ConfigurableListableBeanFactory beanFactory, ObjectProvider<DataSource> dataSource) {
    this.beanFactory = beanFactory;
    this.dataSource = dataSource;
  }

  /**
   * A template on the chosen transaction manager. With a {@link DataSourceTransactionManager} that allows
   * nested transactions, its propagation is {@code NESTED}.
   *
   * @throws OutboxConfigurationException if there is no transaction manager to choose, or no way to choose
   */
  TransactionTemplate template() {
    TransactionTemplate current = template;
    if (current == null) {
      PlatformTransactionManager manager = transactionManager();
      current = new TransactionTemplate(manager);
      if (manager instanceof DataSourceTransactionManager jdbc && jdbc.isNestedTransactionAllowed()) {
        // in a transaction of the caller's, a savepoint: a failed call rolls back its own work only, and leaves
        // the caller's transaction able to commit what the error handler does after it (without a transaction,
        // the same as PROPAGATION_REQUIRED)
        current.setPropagationBehavior(TransactionDefinition.PROPAGATION_NESTED);
      }
      template = current;
    }
    return current;
  }

  /**
   * The transaction manager of the inbox's DataSource: the only one that is not Kafka's, else the one that
   * manages the application's DataSource, else the primary one.
   */
  private PlatformTransactionManager transactionManager() {
    Map<String, PlatformTransactionManager> candidates = new LinkedHashMap<>();
    beanFactory.getBeansOfType(PlatformTransactionManager.class).forEach((name, manager) -> {
      if (!(manager instanceof KafkaAwareTransactionManager)) {
        candidates.put(name, manager);
      }
    });
    if (candidates.size() == 1) {
      return candidates.values().iterator().next();
    }
    if (candidates.isEmpty()) {
      throw new OutboxConfigurationException("@IdempotentListener needs a transaction manager for the "
          + "application's DataSource, and there is none: add spring-boot-jdbc (its DataSourceTransactionManager"
          + "AutoConfiguration defines one) or declare a DataSourceTransactionManager bean");
    }
    DataSource ds = dataSource.getIfUnique();
    List<String> matching = new ArrayList<>();
    candidates.forEach((name, manager) -> {
      if (ds != null && manager instanceof DataSourceTransactionManager jdbc && jdbc.getDataSource() == ds) {
        matching.add(name);
      }
    });
    if (matching.size() == 1) {
      return candidates.get(matching.get(0));
    }
    List<String> primary = new ArrayList<>();
    for (String name : candidates.keySet()) {
      if (beanFactory.containsBeanDefinition(name) && beanFactory.getBeanDefinition(name).isPrimary()) {
        primary.add(name);
      }
    }
    if (primary.size() == 1) {
      return candidates.get(primary.get(0));
    }
    throw new OutboxConfigurationException("@IdempotentListener cannot choose among the transaction managers "
        + candidates.keySet() + ": mark the one of the inbox's DataSource @Primary");
  }
}
