package io.outboxkit.writer;

import io.outboxkit.core.OutboxException;
import io.outboxkit.core.internal.SpringDataSources;
import java.sql.Connection;
import java.sql.SQLException;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.datasource.DataSourceUtils;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * Joins the Spring-managed transaction bound to the current thread for a DataSource. Loaded only when
 * spring-jdbc is on the class path.
 */
final class SpringManagedTransactions implements CallerTransactions {

  /** The DataSource as the transaction manager binds it (a TransactionAwareDataSourceProxy is unwrapped). */
  private final DataSource dataSource;

  SpringManagedTransactions(DataSource dataSource) {
    this.dataSource = SpringDataSources.transactionTarget(dataSource);
  }

  @Override
  public @Nullable Connection join() {
    if (!TransactionSynchronizationManager.isActualTransactionActive()
        || TransactionSynchronizationManager.getResource(dataSource) == null) {
      return null;
    }
    Connection connection = DataSourceUtils.getConnection(dataSource);
    boolean inTransaction = false;
    try {
      inTransaction = !connection.getAutoCommit();
      return inTransaction ? connection : null;
    } catch (SQLException e) {
      throw new OutboxException("cannot read the auto-commit mode of the Spring transaction's connection: "
          + e.getMessage(), e);
    } finally {
      if (!inTransaction) {
        DataSourceUtils.releaseConnection(connection, dataSource);
      }
    }
  }

  @Override
  public void release(Connection connection) {
    DataSourceUtils.releaseConnection(connection, dataSource);
  }

  @Override
  public String whyNone() {
    if (!TransactionSynchronizationManager.isActualTransactionActive()) {
      return "no Spring-managed transaction is active on this thread";
    }
    if (TransactionSynchronizationManager.getResource(dataSource) == null) {
      return "a Spring-managed transaction is active, but it holds no connection of the writer's DataSource (the"
          + " transaction manager uses another DataSource object: build the writer with the same one)";
    }
    return "the connection bound to the Spring-managed transaction is in auto-commit mode";
  }
}
