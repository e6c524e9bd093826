package io.outboxkit.test;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.SQLException;
import org.junit.jupiter.api.Test;

class DurablePostgresIT {

  @Test
  void theDurableServerFlushesCommitsWhileTheSharedEmbeddedServerDoesNot() throws SQLException {
    try (OtherPostgres durable = OtherPostgres.startDurable(); TestDatabase db = durable.newDatabase("durable")) {
      assertThat(durable.toString()).contains("with fsync on");
      assertThat(settings(db)).isEqualTo("fsync=on, synchronous_commit=on, wal_level=logical");
    }
    OutboxTestInfrastructure embedded = OutboxTestInfrastructure.embedded();
    try (TestDatabase db = embedded.newDatabase("shared")) {
      assertThat(settings(db)).as("the tests' server stays without flush: a flush per commit only slows them")
          .isEqualTo("fsync=off, synchronous_commit=on, wal_level=logical");
    }
  }

  private static String settings(TestDatabase db) throws SQLException {
    return db.queryColumn("SELECT string_agg(name || '=' || setting, ', ' ORDER BY name)"
        + " FROM pg_settings WHERE name IN ('fsync', 'synchronous_commit', 'wal_level')").get(0);
  }
}
