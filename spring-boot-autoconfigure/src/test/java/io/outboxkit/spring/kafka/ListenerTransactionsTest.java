package io.outboxkit.spring.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.outboxkit.core.OutboxConfigurationException;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.jdbc.datasource.DriverManagerDataSource;
import org.springframework.kafka.core.ProducerFactory;
import org.springframework.kafka.transaction.KafkaAwareTransactionManager;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.TransactionStatus;
import org.springframework.transaction.support.SimpleTransactionStatus;
import org.springframework.transaction.support.TransactionTemplate;

/** Which transaction manager @IdempotentListener methods run in; no test here reaches a database. */
class ListenerTransactionsTest {

  private static final DataSource APPLICATION = new DriverManagerDataSource("jdbc:postgresql://127.0.0.1:1/app");
  private static final DataSource REPORTING = new DriverManagerDataSource("jdbc:postgresql://127.0.0.1:1/reports");

  private final ApplicationContextRunner runner = new ApplicationContextRunner()
      .withBean("dataSource", DataSource.class, () -> APPLICATION);

  @Test
  void theOnlyManagerBesidesKafkasIsChosenWithSavepointsForJoinedCalls() {
    runner.withBean("transactionManager", DataSourceTransactionManager.class,
            () -> new DataSourceTransactionManager(APPLICATION))
        .withBean("kafkaTransactionManager", KafkaManager.class, KafkaManager::new)
        .run(context -> {
          TransactionTemplate template = transactions(context).template();
          assertThat(template.getTransactionManager()).isSameAs(context.getBean("transactionManager"));
          assertThat(template.getPropagationBehavior()).isEqualTo(TransactionDefinition.PROPAGATION_NESTED);
          assertThat(transactions(context).template().getTransactionManager())
              .isSameAs(template.getTransactionManager());
        });
  }

  @Test
  void withoutNestedTransactionsTheCallJoinsTheCallersTransaction() {
    runner.withBean("transactionManager", PlatformTransactionManager.class, OtherManager::new).run(context ->
        assertThat(transactions(context).template().getPropagationBehavior())
            .isEqualTo(TransactionDefinition.PROPAGATION_REQUIRED));
    runner.withBean("transactionManager", DataSourceTransactionManager.class, () -> {
      DataSourceTransactionManager manager = new DataSourceTransactionManager(APPLICATION);
      manager.setNestedTransactionAllowed(false);
      return manager;
    }).run(context -> assertThat(transactions(context).template().getPropagationBehavior())
        .isEqualTo(TransactionDefinition.PROPAGATION_REQUIRED));
  }

  @Test
  void amongSeveralTheOneOfTheApplicationsDataSourceIsChosen() {
    runner.withBean("reportingTransactionManager", DataSourceTransactionManager.class,
            () -> new DataSourceTransactionManager(REPORTING))
        .withBean("transactionManager", DataSourceTransactionManager.class,
            () -> new DataSourceTransactionManager(APPLICATION))
        .withBean("jtaLike", PlatformTransactionManager.class, OtherManager::new)
        .run(context -> assertThat(transactions(context).template().getTransactionManager())
            .isSameAs(context.getBean("transactionManager")));
  }

  @Test
  void otherwiseThePrimaryOneIsChosen() {
    runner.withBean("reportingTransactionManager", DataSourceTransactionManager.class,
            () -> new DataSourceTransactionManager(REPORTING))
        .withBean("jpaLike", PlatformTransactionManager.class, OtherManager::new,
            definition -> definition.setPrimary(true))
        .run(context -> assertThat(transactions(context).template().getTransactionManager())
            .isSameAs(context.getBean("jpaLike")));
  }

  @Test
  void noManagerOrNoWayToChooseFailsWithWhatToDo() {
    runner.withBean("kafkaTransactionManager", KafkaManager.class, KafkaManager::new).run(context ->
        assertThatThrownBy(() -> transactions(context).template())
            .isInstanceOf(OutboxConfigurationException.class)
            .hasMessageContaining("there is none")
            .hasMessageContaining("DataSourceTransactionManager"));
    runner.withBean("first", PlatformTransactionManager.class, OtherManager::new)
        .withBean("second", PlatformTransactionManager.class, OtherManager::new)
        .run(context -> assertThatThrownBy(() -> transactions(context).template())
            .isInstanceOf(OutboxConfigurationException.class)
            .hasMessageContaining("[first, second]")
            .hasMessageContaining("@Primary"));
  }

  private static ListenerTransactions transactions(AssertableApplicationContext context) {
    return new ListenerTransactions(context.getBeanFactory(), context.getBeanProvider(DataSource.class));
  }

  /** A transaction manager that is not a DataSource's, such as JPA's or JTA's. */
  static class OtherManager implements PlatformTransactionManager {

    @Override
    public TransactionStatus getTransaction(@Nullable TransactionDefinition definition) {
      return new SimpleTransactionStatus();
    }

    @Override
    public void commit(TransactionStatus status) {
    }

    @Override
    public void rollback(TransactionStatus status) {
    }
  }

  /** Stands for spring-kafka's KafkaTransactionManager, which the choice leaves out. */
  static final class KafkaManager extends OtherManager implements KafkaAwareTransactionManager<Object, Object> {

    @Override
    public ProducerFactory<Object, Object> getProducerFactory() {
      throw new UnsupportedOperationException("not used by the choice");
    }
  }
}
