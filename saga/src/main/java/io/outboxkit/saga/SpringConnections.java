package io.outboxkit.saga;

import io.outboxkit.core.internal.SpringDataSources;
import java.sql.Connection;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.datasource.ConnectionHolder;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/** The connection of the Spring-managed transaction bound to this thread. Load only with spring-jdbc present. */
final class SpringConnections {

  private SpringConnections() {
  }

  /** The connection of the transaction in progress for {@code dataSource}, or null when there is none. */
  static @Nullable Connection bound(DataSource dataSource) {
    if (!TransactionSynchronizationManager.isActualTransactionActive()) {
      return null;
    }
    Object holder = TransactionSynchronizationManager.getResource(SpringDataSources.transactionTarget(dataSource));
    return holder instanceof ConnectionHolder connections && connections.getConnectionHandle() != null
        ? connections.getConnection() : null;
  }

  /** Runs {@code action} after the current Spring-managed transaction commits (never when it rolls back). */
  static void afterCommit(Runnable action) {
    if (!TransactionSynchronizationManager.isSynchronizationActive()) {
      action.run();
      return;
    }
    TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
      @Override
      public void afterCommit() {
        action.run();
      }
    });
  }
}
