package io.outboxkit.core.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JdbcTransactionsTest {

  @Test
  void committedWorkReturnsItsResultAndAutoCommitIsRestored() throws SQLException {
    FakeConnection fake = new FakeConnection(true);
    String result = JdbcTransactions.call(fake.connection, c -> {
      fake.calls.add("work");
      return "done";
    });
    assertThat(result).isEqualTo("done");
    assertThat(fake.calls).containsExactly("getAutoCommit", "setAutoCommit(false)", "work", "commit",
        "setAutoCommit(true)");
  }

  @Test
  void aConnectionInManualCommitModeStaysSo() throws SQLException {
    FakeConnection fake = new FakeConnection(false);
    JdbcTransactions.run(fake.connection, c -> fake.calls.add("work"));
    assertThat(fake.calls).containsExactly("getAutoCommit", "work", "commit");
  }

  @Test
  void failingWorkIsRolledBackAndThrownAsItIs() {
    for (Exception failure : List.of(new SQLException("duplicate key", "23505"), new IllegalStateException("no"))) {
      FakeConnection fake = new FakeConnection(true);
      assertThatThrownBy(() -> JdbcTransactions.run(fake.connection, c -> {
        if (failure instanceof SQLException sql) {
          throw sql;
        }
        throw (RuntimeException) failure;
      })).isSameAs(failure);
      assertThat(fake.calls).containsExactly("getAutoCommit", "setAutoCommit(false)", "rollback",
          "setAutoCommit(true)");
    }
  }

  @Test
  void aFailedCommitIsRolledBackAndThrown() {
    FakeConnection fake = new FakeConnection(true);
    SQLException commitFailure = new SQLException("connection lost", "08006");
    fake.failures.put("commit", commitFailure);
    assertThatThrownBy(() -> JdbcTransactions.run(fake.connection, c -> { })).isSameAs(commitFailure);
    assertThat(fake.calls).containsExactly("getAutoCommit", "setAutoCommit(false)", "commit", "rollback",
        "setAutoCommit(true)");
  }

  @Test
  void failuresOfRollbackAndRestoreAreSuppressedIntoTheFirst() {
    FakeConnection fake = new FakeConnection(true);
    SQLException rollbackFailure = new SQLException("rollback failed");
    SQLException restoreFailure = new SQLException("restore failed");
    fake.failures.put("rollback", rollbackFailure);
    fake.failures.put("setAutoCommit(true)", restoreFailure);
    IllegalStateException failure = new IllegalStateException("work failed");
    assertThatThrownBy(() -> JdbcTransactions.run(fake.connection, c -> {
      throw failure;
    })).isSameAs(failure);
    assertThat(failure.getSuppressed()).containsExactly(rollbackFailure, restoreFailure);
  }

  @Test
  void aFailureToRestoreAutoCommitAfterTheCommitDoesNotFailCommittedWork() throws SQLException {
    FakeConnection fake = new FakeConnection(true);
    fake.failures.put("setAutoCommit(true)", new SQLException("connection closed", "08003"));
    Integer result = JdbcTransactions.call(fake.connection, c -> 42);
    assertThat(result).isEqualTo(42);
    assertThat(fake.calls).contains("commit").doesNotContain("rollback");
  }

  @Test
  void aFailureToBeginRunsNothing() {
    FakeConnection fake = new FakeConnection(true);
    SQLException beginFailure = new SQLException("connection closed", "08003");
    fake.failures.put("setAutoCommit(false)", beginFailure);
    assertThatThrownBy(() -> JdbcTransactions.run(fake.connection, c -> fake.calls.add("work")))
        .isSameAs(beginFailure);
    assertThat(fake.calls).containsExactly("getAutoCommit", "setAutoCommit(false)");
  }

  /** A connection that records the transaction calls made on it and fails those it is told to. */
  private static final class FakeConnection {

    final List<String> calls = new ArrayList<>();
    final Map<String, SQLException> failures = new HashMap<>();
    final Connection connection;

    FakeConnection(boolean autoCommit) {
      connection = (Connection) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {Connection.class},
          (proxy, method, args) -> {
            String call = switch (method.getName()) {
              case "getAutoCommit", "commit", "rollback" -> method.getName();
              case "setAutoCommit" -> "setAutoCommit(" + args[0] + ")";
              default -> throw new UnsupportedOperationException(method.getName());
            };
            calls.add(call);
            SQLException failure = failures.get(call);
            if (failure != null) {
              throw failure;
            }
            return call.equals("getAutoCommit") ? autoCommit : null;
          });
    }
  }
}
