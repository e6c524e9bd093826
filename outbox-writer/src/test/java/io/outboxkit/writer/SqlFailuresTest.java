package io.outboxkit.writer;

import static org.assertj.core.api.Assertions.assertThat;

import io.outboxkit.core.InvalidEventException;
import io.outboxkit.core.OutboxConfigurationException;
import io.outboxkit.core.OutboxException;
import io.outboxkit.core.ServerUnavailableException;
import io.outboxkit.core.TableName;
import io.outboxkit.core.WriteMode;
import java.sql.BatchUpdateException;
import java.sql.SQLException;
import java.sql.SQLRecoverableException;
import org.junit.jupiter.api.Test;

class SqlFailuresTest {

  private final SqlFailures failures = new SqlFailures(
      TableName.of("schema", TableName.DEFAULT_SCHEMA, "table", TableName.DEFAULT_OUTBOX_TABLE), WriteMode.TABLE);

  @Test
  void aLostOrRefusedConnectionIsReportedAsAnUnavailableServer() {
    SQLException lost = new SQLException("An I/O error occurred while sending to the backend.", "08006");
    assertThat(failures.translate(lost, 2))
        .isInstanceOf(ServerUnavailableException.class)
        .hasMessageContaining("writing 2 events to the outbox")
        .hasMessageContaining("SQLState 08006")
        .hasMessageContaining("nothing of this call was written");
    assertThat(failures.translate(new SQLException("sorry, too many clients already", "53300"), 1))
        .isInstanceOf(ServerUnavailableException.class);
    SQLException shutdown = new SQLException("terminating connection due to administrator command", "57P01");
    assertThat(failures.translate(shutdown, 1))
        .isInstanceOf(ServerUnavailableException.class);
    assertThat(failures.translate(new SQLRecoverableException("connection closed"), 1))
        .isInstanceOf(ServerUnavailableException.class);
  }

  @Test
  void aBatchReportsTheStatementsOwnFailure() {
    BatchUpdateException batch = new BatchUpdateException("Batch entry 0 was aborted", "08006", new int[0]);
    batch.setNextException(new SQLException("An I/O error occurred while sending to the backend.", "08006"));
    assertThat(failures.translate(batch, 3)).isInstanceOf(ServerUnavailableException.class);
    BatchUpdateException tooLong = new BatchUpdateException("Batch entry 0 was aborted", "22001", new int[0]);
    tooLong.setNextException(new SQLException("value too long for type character varying(255)", "22001"));
    assertThat(failures.translate(tooLong, 3)).isInstanceOf(InvalidEventException.class);
  }

  @Test
  void otherFailuresKeepTheirTypes() {
    assertThat(failures.translate(new SQLException("relation \"outbox_event\" does not exist", "42P01"), 1))
        .isInstanceOf(OutboxConfigurationException.class);
    assertThat(failures.translate(new SQLException("deadlock detected", "40P01"), 1))
        .isExactlyInstanceOf(OutboxException.class);
  }
}
