package io.outboxkit.benchmarks;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.UUID;

/**
 * The business part of the writer benchmark's transaction: {@value #ROWS} rows of {@code bench_order},
 * each with a {@value Payloads#SIZE}-byte JSON document, inserted in one JDBC batch. Not thread-safe.
 */
final class BusinessRows implements AutoCloseable {

  static final int ROWS = 100;

  private final PreparedStatement insert;

  BusinessRows(Connection connection) throws SQLException {
    insert = connection.prepareStatement(
        "INSERT INTO public.bench_order (id, customer_id, status, details) VALUES (?, ?, 'PLACED', ?::jsonb)");
  }

  /**
   * Inserts the rows of transaction {@code number} and returns their ids; row {@code i} has sequence
   * number {@code number * ROWS + i}.
   */
  UUID[] insert(long number) throws SQLException {
    UUID[] ids = new UUID[ROWS];
    long micros = System.currentTimeMillis() * 1000;
    for (int i = 0; i < ROWS; i++) {
      long seq = number * ROWS + i;
      ids[i] = EventIds.next();
      insert.setObject(1, ids[i]);
      insert.setString(2, Payloads.aggregateId(seq));
      insert.setString(3, Payloads.json(seq, micros));
      insert.addBatch();
    }
    insert.executeBatch();
    return ids;
  }

  @Override
  public void close() throws SQLException {
    insert.close();
  }
}
