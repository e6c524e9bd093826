package io.outboxkit.writer;

import java.sql.Connection;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;

/** Finds the connection of the caller's transaction on a DataSource (Spring-managed transactions). */
interface CallerTransactions {

  /** The connection of the transaction in progress on this thread for the DataSource, or null if none. */
  @Nullable Connection join();

  /** Gives back a connection {@link #join()} returned; never closes a transaction's connection. */
  void release(Connection connection);

  /** Why {@link #join()} found no transaction, for the exception's message. */
  String whyNone();

  /** Spring's transaction support when spring-jdbc is on the class path, else null. */
  static @Nullable CallerTransactions detect(DataSource dataSource) {
    if (ClassPath.has("org.springframework.jdbc.datasource.DataSourceUtils")
        && ClassPath.has("org.springframework.transaction.support.TransactionSynchronizationManager")) {
      return new SpringManagedTransactions(dataSource);
    }
    return null;
  }
}
