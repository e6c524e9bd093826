package io.outboxkit.relay.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.outboxkit.core.SchemaScripts;
import io.debezium.embedded.EmbeddedWorkerConfig;
import io.outboxkit.test.OutboxIntegrationTest;
import io.outboxkit.test.TestDatabase;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * The offset store reports a position stored only once it is in the table, survives a connection the
 * database dropped (one retry on a new connection), and after a failed write keeps answering with the
 * position actually stored, so that Debezium never confirms to the slot more than is stored.
 */
@OutboxIntegrationTest
class PostgresOffsetBackingStoreIT {

  private static final ByteBuffer KEY = utf8("[\"engine\",{\"server\":\"outboxkit.slot\"}]");

  @Test
  void aPositionIsInTheTableWhenTheWriteCompletesAndTheNextStoreReadsIt(TestDatabase db) throws Exception {
    createTable(db);
    PostgresOffsetBackingStore store = started(db);
    AtomicReference<Throwable> reported = new AtomicReference<>(new IllegalStateException("not called"));
    store.set(Map.of(KEY, utf8("{\"lsn\":1}")), (error, ignored) -> reported.set(error)).get(30, TimeUnit.SECONDS);
    assertThat(reported.get()).as("error reported to the engine").isNull();
    assertThat(stored(db)).isEqualTo("{\"lsn\":1}");
    store.stop();

    PostgresOffsetBackingStore next = started(db);
    assertThat(text(next.get(List.of(KEY)).get().get(KEY))).isEqualTo("{\"lsn\":1}");
    next.stop();
  }

  @Test
  void aConnectionTheDatabaseDroppedCostsNoPosition(TestDatabase db) throws Exception {
    createTable(db);
    PostgresOffsetBackingStore store = started(db);
    store.set(Map.of(KEY, utf8("{\"lsn\":1}")), null).get(30, TimeUnit.SECONDS);
    execute(db, "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database()"
        + " AND application_name = 'outboxkit-relay-offsets'");
    await().atMost(Duration.ofSeconds(30)).until(() -> storeSessions(db) == 0);
    AtomicReference<Throwable> reported = new AtomicReference<>(new IllegalStateException("not called"));
    store.set(Map.of(KEY, utf8("{\"lsn\":2}")), (error, ignored) -> reported.set(error)).get(30, TimeUnit.SECONDS);
    assertThat(reported.get()).as("error reported to the engine").isNull();
    assertThat(stored(db)).isEqualTo("{\"lsn\":2}");
    store.stop();
  }

  @Test
  void aFailedWriteIsReportedAndGetKeepsAnsweringWithThePositionStored(TestDatabase db) throws Exception {
    createTable(db);
    PostgresOffsetBackingStore store = started(db);
    store.set(Map.of(KEY, utf8("{\"lsn\":1}")), null).get(30, TimeUnit.SECONDS);

    execute(db, "ALTER TABLE outboxkit_relay_offset RENAME TO outboxkit_relay_offset_away");
    AtomicReference<Throwable> reported = new AtomicReference<>();
    assertThatThrownBy(() -> store.set(Map.of(KEY, utf8("{\"lsn\":2}")), (error, ignored) -> reported.set(error))
        .get(30, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class);
    assertThat(reported.get()).as("error reported to the engine").isNotNull();
    assertThat(text(store.get(List.of(KEY)).get().get(KEY))).isEqualTo("{\"lsn\":1}");

    execute(db, "ALTER TABLE outboxkit_relay_offset_away RENAME TO outboxkit_relay_offset");
    store.set(Map.of(KEY, utf8("{\"lsn\":3}")), null).get(30, TimeUnit.SECONDS);
    assertThat(stored(db)).isEqualTo("{\"lsn\":3}");
    assertThat(text(store.get(List.of(KEY)).get().get(KEY))).isEqualTo("{\"lsn\":3}");
    store.stop();
  }

  // ---- helpers -------------------------------------------------------------------------------------

  private static PostgresOffsetBackingStore started(TestDatabase db) {
    Map<String, String> config = new HashMap<>();
    config.put(PostgresOffsetBackingStore.JDBC_URL, db.jdbcUrl());
    config.put(PostgresOffsetBackingStore.JDBC_USER, db.username());
    config.put(PostgresOffsetBackingStore.JDBC_PASSWORD, db.password());
    config.put(PostgresOffsetBackingStore.TABLE, "\"public\".\"outboxkit_relay_offset\"");
    config.put(PostgresOffsetBackingStore.STORE_NAME, "outboxkit-relay-test");
    PostgresOffsetBackingStore store = new PostgresOffsetBackingStore();
    store.configure(new EmbeddedWorkerConfig(config));
    store.start();
    return store;
  }

  private static void createTable(TestDatabase db) throws Exception {
    try (InputStream in = PostgresOffsetBackingStoreIT.class.getResourceAsStream(
        "/" + SchemaScripts.RELAY_TABLES_V1)) {
      execute(db, new String(in.readAllBytes(), StandardCharsets.UTF_8).replace("${relay_schema}", "\"public\""));
    }
  }

  private static String stored(TestDatabase db) throws Exception {
    try (Connection connection = db.openConnection(); PreparedStatement select = connection.prepareStatement(
        "SELECT offset_value FROM outboxkit_relay_offset WHERE store_name = 'outboxkit-relay-test'")) {
      try (ResultSet row = select.executeQuery()) {
        return row.next() ? row.getString(1) : null;
      }
    }
  }

  private static int storeSessions(TestDatabase db) throws Exception {
    try (Connection connection = db.openConnection(); Statement statement = connection.createStatement();
         ResultSet row = statement.executeQuery("SELECT count(*) FROM pg_stat_activity WHERE datname = "
             + "current_database() AND application_name = 'outboxkit-relay-offsets'")) {
      row.next();
      return row.getInt(1);
    }
  }

  private static void execute(TestDatabase db, String sql) throws Exception {
    try (Connection connection = db.openConnection(); Statement statement = connection.createStatement()) {
      statement.execute(sql);
    }
  }

  private static ByteBuffer utf8(String text) {
    return ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8));
  }

  private static String text(ByteBuffer buffer) {
    if (buffer == null) {
      return null;
    }
    ByteBuffer copy = buffer.duplicate();
    byte[] bytes = new byte[copy.remaining()];
    copy.get(bytes);
    return new String(bytes, StandardCharsets.UTF_8);
  }
}
