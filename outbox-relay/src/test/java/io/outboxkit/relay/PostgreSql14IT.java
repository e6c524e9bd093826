package io.outboxkit.relay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import io.outboxkit.test.OtherPostgres;
import io.outboxkit.test.OutboxIntegrationTest;
import io.outboxkit.test.TestDatabase;
import io.outboxkit.test.TestKafka;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * PostgreSQL 14 (out of support upstream since November 2026, and the first version whose pgoutput carries
 * WAL messages), where publications have no column lists: the writer's schema and the relay's publication take
 * their branch for it, and every write mode gives the same records as on the shared test server. The server is started from
 * the PostgreSQL 14 binaries the build copies (see {@link OtherPostgres}).
 */
@OutboxIntegrationTest
class PostgreSql14IT {

  @Test
  void everyWriteModeGivesTheSameRecordsAndThePublicationTakesWholeRowsOfInsertsOnly(TestKafka kafka)
      throws Exception {
    assumeThat(OtherPostgres.unavailableReason(14)).as("PostgreSQL 14 binaries for this machine").isEmpty();
    try (OtherPostgres postgres14 = OtherPostgres.start(14);
         TestDatabase tableDb = postgres14.newDatabase("pg14 table");
         TestDatabase deleteDb = postgres14.newDatabase("pg14 delete");
         TestDatabase walDb = postgres14.newDatabase("pg14 wal")) {
      assertThat(query(tableDb, "SELECT current_setting('server_version_num')::int / 10000")).containsExactly("14");

      int events = WriteModesIT.assertAllWriteModesProduceTheSameRecords(tableDb, deleteDb, walDb, kafka);

      assertThat(query(tableDb, "SELECT tablename FROM pg_publication_tables WHERE pubname = 'outboxkit'"
          + " ORDER BY 1")).containsExactly("outbox_event", "outboxkit_relay_heartbeat");
      assertThat(query(tableDb, "SELECT pubinsert || ' ' || pubupdate || ' ' || pubdelete FROM pg_publication"
          + " WHERE pubname = 'outboxkit'")).containsExactly("true false false");
      System.out.printf("PostgreSQL 14: %d events each in TABLE, TABLE_DELETE_AFTER_INSERT and WAL_MESSAGE mode:"
          + " same topics, keys, headers and JSON values%n", events);
    }
  }

  private static List<String> query(TestDatabase db, String sql) throws SQLException {
    try (Connection connection = db.openConnection(); Statement statement = connection.createStatement();
         ResultSet rs = statement.executeQuery(sql)) {
      List<String> rows = new ArrayList<>();
      while (rs.next()) {
        rows.add(rs.getString(1));
      }
      return rows;
    }
  }
}
