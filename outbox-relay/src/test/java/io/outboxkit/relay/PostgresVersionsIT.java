package io.outboxkit.relay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import io.outboxkit.test.OtherPostgres;
import io.outboxkit.test.OutboxIntegrationTest;
import io.outboxkit.test.TestDatabase;
import io.outboxkit.test.TestKafka;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The supported PostgreSQL versions other than the shared test server's 17: 14 (out of support upstream since
 * November 2026, the first whose pgoutput carries WAL messages, and without column lists in publications),
 * 16, and 18. On each, the writer's schema and the relay's publication take their branch for that version,
 * and every write mode gives the same records, and gaps in the stream are reported and filled. Each server is started from binaries the build copies (see
 * {@link OtherPostgres}).
 */
@OutboxIntegrationTest
class PostgresVersionsIT {

  @ParameterizedTest(name = "PostgreSQL {0}")
  @ValueSource(ints = {14, 16, 18})
  void everyWriteModeGivesTheSameRecordsAndThePublicationTakesInsertsOnly(int majorVersion, TestKafka kafka)
      throws Exception {
    assumeThat(OtherPostgres.unavailableReason(majorVersion)).as("PostgreSQL " + majorVersion + " binaries")
        .isEmpty();
    try (OtherPostgres postgres = OtherPostgres.start(majorVersion);
         TestDatabase tableDb = postgres.newDatabase("pg" + majorVersion + " table");
         TestDatabase deleteDb = postgres.newDatabase("pg" + majorVersion + " delete");
         TestDatabase walDb = postgres.newDatabase("pg" + majorVersion + " wal")) {
      assertThat(tableDb.serverVersion() / 10000).isEqualTo(majorVersion);

      int events = WriteModesIT.assertAllWriteModesProduceTheSameRecords(tableDb, deleteDb, walDb, kafka);

      assertThat(tableDb.queryColumn("SELECT pubinsert || ' ' || pubupdate || ' ' || pubdelete FROM pg_publication"
          + " WHERE pubname = 'outboxkit'")).containsExactly("true false false");
      if (majorVersion >= 15) {
        assertThat(tableDb.queryColumn("SELECT tablename || ': ' || array_to_string(attnames, ',')"
            + " FROM pg_publication_tables WHERE pubname = 'outboxkit' ORDER BY 1")).containsExactly(
                "outbox_event: id,aggregatetype,aggregateid,type,payload,tracingspancontext,headers",
                "outboxkit_relay_heartbeat: id,slot_name,beat_at");
      } else {
        assertThat(tableDb.queryColumn("SELECT tablename FROM pg_publication_tables WHERE pubname = 'outboxkit'"
            + " ORDER BY 1")).as("whole rows: no column lists before 15")
            .containsExactly("outbox_event", "outboxkit_relay_heartbeat");
      }
      System.out.printf("PostgreSQL %d: %d events each in TABLE, TABLE_DELETE_AFTER_INSERT and WAL_MESSAGE mode:"
          + " same topics, keys, headers and JSON values%n", majorVersion, events);
    }
  }

  /** pgoutput's handling of a missing publication differs between versions: the gaps of StreamGapsIT on each. */
  @ParameterizedTest(name = "PostgreSQL {0}")
  @ValueSource(ints = {14, 18})
  void gapsInTheStreamAreReportedAndFilled(int majorVersion, TestKafka kafka) throws Exception {
    assumeThat(OtherPostgres.unavailableReason(majorVersion)).as("PostgreSQL " + majorVersion + " binaries")
        .isEmpty();
    try (OtherPostgres postgres = OtherPostgres.start(majorVersion);
         TestDatabase left = postgres.newDatabase("pg" + majorVersion + " left");
         TestDatabase dropped = postgres.newDatabase("pg" + majorVersion + " dropped");
         TestDatabase wal = postgres.newDatabase("pg" + majorVersion + " wal dropped")) {
      StreamGapsIT.tableLeftThePublication(left, kafka);
      StreamGapsIT.publicationDropped(dropped, kafka);
      StreamGapsIT.walMessagesPublicationDropped(wal, kafka);
    }
  }
}
