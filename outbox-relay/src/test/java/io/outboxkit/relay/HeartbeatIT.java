package io.outboxkit.relay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.outboxkit.core.OutboxEvent;
import io.outboxkit.test.OutboxIntegrationTest;
import io.outboxkit.test.TestDatabase;
import io.outboxkit.test.TestKafka;
import io.outboxkit.core.WriteMode;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;

/**
 * WAL safety: while the outbox is quiet and another table is busy, heartbeats let the slot advance, so the
 * WAL the slot retains stays bounded. A relay with heartbeats off, on a quiet database of the same server,
 * shows what happens otherwise (its slot holds all the WAL written meanwhile).
 */
@OutboxIntegrationTest
class HeartbeatIT {

  private static final long MB = 1024 * 1024;

  @Test
  void retainedWalStaysBoundedWhileTheOutboxIsQuietAndAnotherTableIsBusy(TestDatabase busy, TestDatabase quiet,
      TestKafka kafka) throws Exception {
    RelayFixture.installSchema(busy);
    RelayFixture.installSchema(quiet);
    String prefix = kafka.newTopic("hb") + ".";
    try (OutboxRelay withHeartbeats = RelayFixture.relay(busy, kafka, prefix)
            .heartbeatInterval(Duration.ofSeconds(1)).build();
        OutboxRelay withoutHeartbeats = RelayFixture.relay(quiet, kafka, prefix + "off.")
            .heartbeatInterval(Duration.ZERO).build()) {
      withHeartbeats.start();
      withoutHeartbeats.start();
      RelayFixture.awaitActive(withHeartbeats);
      RelayFixture.awaitActive(withoutHeartbeats);
      for (TestDatabase db : new TestDatabase[] {busy, quiet}) {
        try (Connection c = db.openConnection()) {
          c.setAutoCommit(false);
          RelayFixture.writer(db, WriteMode.TABLE).publish(c, OutboxEvent.of("order", "o-1", "OrderCreated", "{}"));
          c.commit();
        }
      }
      kafka.readRecords(prefix + "order", 1, RelayFixture.TIMEOUT);
      kafka.readRecords(prefix + "off.order", 1, RelayFixture.TIMEOUT);
      await().atMost(RelayFixture.TIMEOUT).until(() -> lag(busy) < 64 * 1024 && lag(quiet) < 64 * 1024);

      long startLsn = currentLsn(busy);
      long maxLagWithHeartbeats = 0;
      try (Connection c = busy.openConnection(); Statement s = c.createStatement()) {
        s.execute("CREATE TABLE noise (id bigserial PRIMARY KEY, filler text)");
        // a steady load of about 4.5 MB of WAL per second for 15 s, paced so that it lasts longer than a few
        // heartbeat and flush intervals however fast the machine is (an unpaced loop finishes before the
        // first heartbeat on a quiet machine, and then every slot lags by all of it)
        long period = Duration.ofMillis(50).toNanos();
        long start = System.nanoTime();
        long deadline = start + Duration.ofSeconds(15).toNanos();
        for (long next = start + period; System.nanoTime() < deadline; next += period) {
          s.execute("INSERT INTO noise (filler) SELECT repeat(md5(g::text), 32) FROM generate_series(1, 200) g");
          maxLagWithHeartbeats = Math.max(maxLagWithHeartbeats, lag(busy));
          long pause = next - System.nanoTime();
          if (pause > 0) {
            LockSupport.parkNanos(pause);
          }
        }
      }
      long generated = currentLsn(busy) - startLsn;
      await("slot with heartbeats catches up").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500))
          .until(() -> lag(busy) < 2 * MB);
      long finalLag = lag(busy);
      long lagWithoutHeartbeats = lag(quiet);
      System.out.printf("heartbeat: %.1f MB of WAL written to another table while the outbox was quiet; slot with "
              + "heartbeats: at most %.1f MB retained during the load, %.1f KB after it; slot without heartbeats: "
              + "%.1f MB retained; status slot lag %d bytes%n", generated / (double) MB, maxLagWithHeartbeats / (double) MB,
          finalLag / 1024.0, lagWithoutHeartbeats / (double) MB, withHeartbeats.status().slotLagBytes());
      assertThat(generated).isGreaterThan(20 * MB);
      assertThat(maxLagWithHeartbeats).isLessThan(generated / 2);
      assertThat(lagWithoutHeartbeats).isGreaterThanOrEqualTo(generated);
      await().atMost(Duration.ofSeconds(30))
          .until(() -> withHeartbeats.status().slotLagBytes() >= 0 && withHeartbeats.status().slotLagBytes() < 4 * MB);
    }
  }

  private static long lag(TestDatabase db) throws SQLException {
    try (Connection c = db.openConnection();
        PreparedStatement s = c.prepareStatement("SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), confirmed_flush_lsn)"
            + "::bigint FROM pg_replication_slots WHERE slot_name = ?")) {
      s.setString(1, db.name());
      try (ResultSet row = s.executeQuery()) {
        row.next();
        return row.getLong(1);
      }
    }
  }

  private static long currentLsn(TestDatabase db) throws SQLException {
    try (Connection c = db.openConnection(); Statement s = c.createStatement();
        ResultSet row = s.executeQuery("SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), '0/0')::bigint")) {
      row.next();
      return row.getLong(1);
    }
  }
}
