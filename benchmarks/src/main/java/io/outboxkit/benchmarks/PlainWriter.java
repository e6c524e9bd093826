package io.outboxkit.benchmarks;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;

/**
 * Baseline of the writer benchmark: the business transaction of a {@link WriterShape} without any outbox write;
 * or, as {@link #withEmptyRoundTrip(WriterShape)}, the same transaction with one more statement that writes
 * nothing, which measures what one more round trip costs.
 */
final class PlainWriter implements MeasuredWriter {

  /** The statement of {@link #withEmptyRoundTrip(WriterShape)}. */
  static final String EMPTY_STATEMENT = "SELECT 1";

  private final WriterShape shape;
  private final boolean emptyRoundTrip;

  PlainWriter(WriterShape shape) {
    this(shape, false);
  }

  private PlainWriter(WriterShape shape, boolean emptyRoundTrip) {
    this.shape = shape;
    this.emptyRoundTrip = emptyRoundTrip;
  }

  /**
   * The plain transaction plus one prepared {@value #EMPTY_STATEMENT} before the commit: one more round trip to
   * the server and nothing written. An outbox write that is a statement of its own costs that round trip and
   * then its write, so this variant's rate, against the plain one, bounds what any such writer can reach.
   */
  static PlainWriter withEmptyRoundTrip(WriterShape shape) {
    return new PlainWriter(shape, true);
  }

  @Override
  public String name() {
    return emptyRoundTrip ? "plain + one empty round trip (" + EMPTY_STATEMENT + "; the bound)"
        : "plain transaction (baseline)";
  }

  @Override
  public String describe() {
    String lines = shape.linesPerOrder() == 0 ? ""
        : ", then " + shape.orders() * shape.linesPerOrder() + " rows into bench_order_line in a second one";
    String orders = shape.orders() == 1 ? "1 row" : shape.orders() + " rows";
    return orders + " of " + Payloads.SIZE + "-byte JSON into bench_order in one JDBC batch" + lines
        + (emptyRoundTrip ? ", then a prepared " + EMPTY_STATEMENT + " (one more round trip, nothing written)" : "")
        + ", COMMIT; no outbox write";
  }

  @Override
  public void prepare(DataSource dataSource) {
    SqlScripts.run(dataSource, "business.sql");
  }

  @Override
  public Session open(DataSource dataSource, Connection connection) throws SQLException {
    BusinessRows rows = new BusinessRows(connection, shape);
    @Nullable PreparedStatement empty = emptyRoundTrip ? connection.prepareStatement(EMPTY_STATEMENT) : null;
    return new Session() {
      @Override
      public void transaction(long number) throws SQLException {
        rows.insert(number);
        if (empty != null) {
          try (ResultSet rs = empty.executeQuery()) {
            rs.next();
          }
        }
      }

      @Override
      public void close() throws SQLException {
        try {
          rows.close();
        } finally {
          if (empty != null) {
            empty.close();
          }
        }
      }
    };
  }
}
