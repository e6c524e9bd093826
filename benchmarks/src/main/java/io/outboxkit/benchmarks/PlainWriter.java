package io.outboxkit.benchmarks;

import java.sql.Connection;
import java.sql.SQLException;
import javax.sql.DataSource;

/** Baseline of the writer benchmark: the business transaction of a {@link WriterShape} without any outbox write. */
final class PlainWriter implements MeasuredWriter {

  private final WriterShape shape;

  PlainWriter(WriterShape shape) {
    this.shape = shape;
  }

  @Override
  public String name() {
    return "plain transaction (baseline)";
  }

  @Override
  public String describe() {
    String lines = shape.linesPerOrder() == 0 ? ""
        : ", then " + shape.orders() * shape.linesPerOrder() + " rows into bench_order_line in a second one";
    String orders = shape.orders() == 1 ? "1 row" : shape.orders() + " rows";
    return orders + " of " + Payloads.SIZE + "-byte JSON into bench_order in one JDBC batch" + lines
        + ", COMMIT; no outbox write";
  }

  @Override
  public void prepare(DataSource dataSource) {
    SqlScripts.run(dataSource, "business.sql");
  }

  @Override
  public Session open(DataSource dataSource, Connection connection) throws SQLException {
    BusinessRows rows = new BusinessRows(connection, shape);
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
