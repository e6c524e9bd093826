package io.outboxkit.core.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.outboxkit.core.ServerUnavailableException;
import java.io.IOException;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import org.junit.jupiter.api.Test;

class DatabaseFailuresTest {

  @Test
  void connectionStatesAndConnectionExceptionsMeanUnavailable() {
    for (String state : new String[] {"08001", "08006", "53300", "53100", "57P01", "57P02", "57P03"}) {
      assertThat(DatabaseFailures.isUnavailable(new SQLException("x", state))).as(state).isTrue();
    }
    assertThat(DatabaseFailures.isUnavailable(new SQLTransientConnectionException("pool timed out"))).isTrue();
    assertThat(DatabaseFailures.isUnavailable(new ServerUnavailableException("down", null))).isTrue();
  }

  @Test
  void causesAreLookedAtToo() {
    RuntimeException wrapped = new IllegalStateException("pool", new SQLException("refused", "08001"));
    assertThat(DatabaseFailures.isUnavailable(wrapped)).isTrue();
  }

  @Test
  void statementFailuresAreNotUnavailability() {
    for (String state : new String[] {"23505", "42P01", "40001", "57014", "22001"}) {
      assertThat(DatabaseFailures.isUnavailable(new SQLException("x", state))).as(state).isFalse();
    }
    assertThat(DatabaseFailures.isUnavailable(new SQLException("no state"))).isFalse();
    assertThat(DatabaseFailures.isUnavailable(new IOException("disk"))).isFalse();
    assertThat(DatabaseFailures.isUnavailableState("08")).isFalse();
  }
}
