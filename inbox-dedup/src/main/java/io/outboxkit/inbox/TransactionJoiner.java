package io.outboxkit.inbox;

import java.sql.Connection;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;

/** Finds a transaction managed by someone else that a call should join. */
interface TransactionJoiner {

  /** The caller's transaction on {@code dataSource}, or null when there is none to join. */
  @Nullable JoinedTransaction join(DataSource dataSource);

  /** A connection inside someone else's transaction. */
  interface JoinedTransaction {

    Connection connection();

    /** Makes sure that the transaction cannot commit. */
    void markRollbackOnly();

    /** Gives the connection back to the transaction's owner. */
    void release();
  }

  /**
   * The Spring joiner when spring-jdbc (and with it spring-tx) is on the class path, else null. The Spring
   * classes are only loaded when present.
   */
  static @Nullable TransactionJoiner springIfPresent() {
    ClassLoader loader = TransactionJoiner.class.getClassLoader();
    try {
      Class.forName("org.springframework.jdbc.datasource.DataSourceUtils", false, loader);
      Class.forName("org.springframework.transaction.support.TransactionSynchronizationManager", false, loader);
    } catch (ClassNotFoundException | LinkageError absent) {
      return null;
    }
    return new SpringTransactionJoiner();
  }
}
