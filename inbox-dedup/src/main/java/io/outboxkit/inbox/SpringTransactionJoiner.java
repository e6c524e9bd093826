package io.outboxkit.inbox;

import io.outboxkit.core.internal.SpringDataSources;
import java.sql.Connection;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.datasource.ConnectionHolder;
import org.springframework.jdbc.datasource.DataSourceUtils;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/** Joins the transaction that a Spring transaction manager has bound to the current thread. */
final class SpringTransactionJoiner implements TransactionJoiner {

  @Override
  public @Nullable JoinedTransaction join(DataSource given) {
    if (!TransactionSynchronizationManager.isActualTransactionActive()) {
      return null;
    }
    DataSource dataSource = SpringDataSources.transactionTarget(given);
    // Only a connection the transaction manager bound for this DataSource: DataSourceUtils alone would
    // open a fresh auto-commit connection when the active transaction belongs to another resource.
    if (!(TransactionSynchronizationManager.getResource(dataSource) instanceof ConnectionHolder holder)) {
      return null;
    }
    Connection connection = DataSourceUtils.getConnection(dataSource);
    if (!DataSourceUtils.isConnectionTransactional(connection, dataSource)) {
      DataSourceUtils.releaseConnection(connection, dataSource);
      return null;
    }
    return new JoinedTransaction() {
      @Override
      public Connection connection() {
        return connection;
      }

      @Override
      public void markRollbackOnly() {
        holder.setRollbackOnly();
      }

      @Override
      public void release() {
        DataSourceUtils.releaseConnection(connection, dataSource);
      }
    };
  }
}
