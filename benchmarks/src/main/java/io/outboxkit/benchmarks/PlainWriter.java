package io.outboxkit.benchmarks;

import java.sql.Connection;
import java.sql.SQLException;
import javax.sql.DataSource;

/** Baseline of the writer benchmark: the business transaction without any outbox write. */
final class PlainWriter implements MeasuredWriter {

  @Override
  public String name() {
    return "plain transaction (baseline)";
  }

  @Override
  public String describe() {
    return BusinessRows.ROWS + " rows of " + Payloads.SIZE + "-byte JSON into bench_order in one JDBC batch, COMMIT;"
        + " no outbox write";
  }

  @Override
  public void prepare(DataSource dataSource) {
    SqlScripts.run(dataSource, "business.sql");
  }

  @Override
  public Session open(DataSource dataSource, Connection connection) throws SQLException {
    BusinessRows rows = new BusinessRows(connection);
    return new Session() {
      @Override
      public void transaction(long number) throws SQLException {
        rows.insert(number);
      }

      @Override
      public void close() throws SQLException {
        rows.close();
      }
    };
  }
}
