package io.outboxkit.benchmarks;

import java.sql.Connection;
import java.sql.SQLException;
import javax.sql.DataSource;

/**
 * One way of running the writer benchmark's business transaction: the plain transaction (the baseline), or
 * the same transaction with OutboxKit's writer adding the events.
 */
interface MeasuredWriter {

  /** Short name for the results, for example {@code plain} or {@code OutboxKit TABLE}. */
  String name();

  /** What a transaction does, for the settings section. */
  String describe();

  /** Creates the tables it writes to in a fresh database. */
  void prepare(DataSource dataSource);

  /**
   * Prepares the statements of one writer thread. The connection, from {@code dataSource}, is not in
   * auto-commit mode.
   */
  Session open(DataSource dataSource, Connection connection) throws SQLException;

  /** One writer thread's statements. Not thread-safe. */
  interface Session extends AutoCloseable {

    /** Runs the body of business transaction {@code number}; the harness commits. */
    void transaction(long number) throws SQLException;

    @Override
    void close() throws SQLException;
  }
}
