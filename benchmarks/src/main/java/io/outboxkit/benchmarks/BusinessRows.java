package io.outboxkit.benchmarks;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.UUID;

/**
 * The business part of the writer benchmark's transaction, as a {@link WriterShape} says: its order rows of
 * {@code bench_order}, each with a {@value Payloads#SIZE}-byte JSON document, in one JDBC batch, then its
 * order lines of {@code bench_order_line} in another. Not thread-safe.
 */
final class BusinessRows implements AutoCloseable {

  /** Orders per transaction of the bulk shape. */
  static final int BULK_ORDERS = 100;

  private final WriterShape shape;
  private final PreparedStatement insertOrder;
  private final PreparedStatement insertLine;

  BusinessRows(Connection connection, WriterShape shape) throws SQLException {
    this.shape = shape;
    insertOrder = connection.prepareStatement(
        "INSERT INTO public.bench_order (id, customer_id, status, details) VALUES (?, ?, 'PLACED', ?::jsonb)");
    insertLine = connection.prepareStatement("INSERT INTO public.bench_order_line"
        + " (order_id, line_no, product_id, quantity, unit_price) VALUES (?, ?, ?, ?, ?)");
  }

  /**
   * Inserts the rows of transaction {@code number} and returns the orders' ids; order {@code i} has sequence
   * number {@code number * orders + i}.
   */
  UUID[] insert(long number) throws SQLException {
    int orders = shape.orders();
    UUID[] ids = new UUID[orders];
    long micros = System.currentTimeMillis() * 1000;
    for (int i = 0; i < orders; i++) {
      long seq = number * orders + i;
      ids[i] = EventIds.next();
      insertOrder.setObject(1, ids[i]);
      insertOrder.setString(2, Payloads.aggregateId(seq));
      insertOrder.setString(3, Payloads.json(seq, micros));
      insertOrder.addBatch();
    }
    insertOrder.executeBatch();
    if (shape.linesPerOrder() > 0) {
      for (int i = 0; i < orders; i++) {
        for (int line = 1; line <= shape.linesPerOrder(); line++) {
          insertLine.setObject(1, ids[i]);
          insertLine.setInt(2, line);
          insertLine.setString(3, "product-" + ((number * 7 + line) % 500));
          insertLine.setInt(4, line);
          insertLine.setBigDecimal(5, BigDecimal.valueOf(1_999 + line * 100L, 2));
          insertLine.addBatch();
        }
      }
      insertLine.executeBatch();
    }
    return ids;
  }

  @Override
  public void close() throws SQLException {
    insertOrder.close();
    insertLine.close();
  }
}
