package io.outboxkit.benchmarks;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;

/**
 * One way to run the benchmark's order saga (reserve stock, charge payment, schedule shipping, each with its
 * compensation) on {@link SagaServices}: orchestrated or choreographed. Start and end times come from the
 * order service's database: the start transaction's {@code now()} and the final transaction's {@code now()},
 * the same clock for both flows.
 */
interface SagaFlow {

  /** Short id used in the results. */
  String id();

  /** What the flow is, for the results. */
  String describe();

  /** Starts one saga in one transaction of the order service: the order row and the saga's first message. */
  void start(String orderId, int amount, boolean failShipping) throws SQLException;

  /** Sagas with this id prefix that are not in a final state. */
  long unfinished(String prefix) throws SQLException;

  /** Sagas with this id prefix in a final state, with their times. */
  List<FinishedSaga> finished(String prefix) throws SQLException;

  /**
   * A saga in its final state.
   *
   * @param orderId the saga's (and order's) id
   * @param startedMicros the start transaction's time, microseconds since the epoch
   * @param finishedMicros the final transaction's time, microseconds since the epoch
   * @param completed true when it completed, false when it was compensated (or failed)
   * @param state the final state as the flow names it
   */
  record FinishedSaga(String orderId, long startedMicros, long finishedMicros, boolean completed, String state) {
  }

  /** Counts the rows of one query's first column, grouped by value: {@code SELECT x ...}. */
  static long count(DataSource dataSource, String sql, String prefix) throws SQLException {
    try (Connection connection = dataSource.getConnection();
         PreparedStatement statement = connection.prepareStatement(sql)) {
      statement.setString(1, prefix + "%");
      try (ResultSet rows = statement.executeQuery()) {
        rows.next();
        return rows.getLong(1);
      }
    }
  }

  /** Runs a query of (id, started micros, finished micros, state) rows. */
  static List<FinishedSaga> finished(DataSource dataSource, String sql, String prefix, String completedState)
      throws SQLException {
    List<FinishedSaga> result = new ArrayList<>();
    try (Connection connection = dataSource.getConnection();
         PreparedStatement statement = connection.prepareStatement(sql)) {
      statement.setString(1, prefix + "%");
      try (ResultSet rows = statement.executeQuery()) {
        while (rows.next()) {
          String state = rows.getString(4);
          result.add(new FinishedSaga(rows.getString(1), rows.getLong(2), rows.getLong(3),
              completedState.equals(state), state));
        }
      }
    }
    return result;
  }

  /** Effects per name recorded by a participant for the orders with this prefix. */
  static Map<String, Long> effects(DataSource dataSource, String prefix) throws SQLException {
    Map<String, Long> counts = new HashMap<>();
    try (Connection connection = dataSource.getConnection();
         PreparedStatement statement = connection.prepareStatement(
             "SELECT name, count(*) FROM bench_effect WHERE order_id LIKE ? GROUP BY name")) {
      statement.setString(1, prefix + "%");
      try (ResultSet rows = statement.executeQuery()) {
        while (rows.next()) {
          counts.put(rows.getString(1), rows.getLong(2));
        }
      }
    }
    return counts;
  }

  /** Work in a transaction. */
  @FunctionalInterface
  interface InTransaction {
    void run(Connection connection) throws SQLException;
  }

  /** Runs {@code work} in one transaction on a connection of {@code pool}: committed, or rolled back on failure. */
  static void inTransaction(DataSource pool, InTransaction work) throws SQLException {
    try (Connection connection = pool.getConnection()) {
      connection.setAutoCommit(false);
      try {
        work.run(connection);
        connection.commit();
      } catch (SQLException | RuntimeException e) {
        connection.rollback();
        throw e;
      } finally {
        connection.setAutoCommit(true);
      }
    }
  }

  /** Inserts the order row on the connection, in the transaction in progress. */
  static void insertOrder(Connection connection, String orderId, int amount, String state) throws SQLException {
    try (PreparedStatement statement = connection.prepareStatement(
        "INSERT INTO bench_order (order_id, amount, state) VALUES (?, ?, ?)")) {
      statement.setString(1, orderId);
      statement.setInt(2, amount);
      statement.setString(3, state);
      statement.executeUpdate();
    }
  }
}
