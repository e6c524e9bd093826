package io.outboxkit.core.internal;

import javax.sql.DataSource;
import org.springframework.jdbc.datasource.TransactionAwareDataSourceProxy;

/**
 * Spring's view of a DataSource, for the writer and the inbox when they join a Spring-managed transaction.
 * Load it only when spring-jdbc is on the class path.
 */
public final class SpringDataSources {

  private SpringDataSources() {
  }

  /**
   * The DataSource a transaction manager binds its connection to: the target of a {@link
   * TransactionAwareDataSourceProxy} (applications hand the proxy to their beans and the target to the
   * transaction manager, and the bound connection is found only under the target), else {@code dataSource}.
   */
  public static DataSource transactionTarget(DataSource dataSource) {
    if (dataSource instanceof TransactionAwareDataSourceProxy proxy && proxy.getTargetDataSource() != null) {
      return proxy.getTargetDataSource();
    }
    return dataSource;
  }
}
