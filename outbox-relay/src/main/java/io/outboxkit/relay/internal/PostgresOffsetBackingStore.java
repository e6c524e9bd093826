package io.outboxkit.relay.internal;

import io.outboxkit.core.internal.JdbcTransactions;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.runtime.WorkerConfig;
import org.apache.kafka.connect.storage.OffsetBackingStore;
import org.apache.kafka.connect.util.Callback;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps Debezium's offsets in a PostgreSQL table ({@code outboxkit_relay_offset}), one row per key under a
 * store name, so that the relay's position lives in the database it reads and survives the relay's host.
 *
 * <p>Reads are served from memory (loaded once at start); every {@link #set} is written in one transaction
 * (tried once more on a new connection if the first attempt fails) before its callback reports success, and
 * {@link #stop()} waits for writes already requested. The engine's thread waits for each write (once per
 * flush interval). Writing behind it was tried and dropped: Debezium confirms to the replication slot what
 * {@link #get} returns right after a flush, so the slot would stay one flush behind, and a quiet relay
 * without heartbeats would never confirm its last event. Debezium's engine instantiates this class by
 * name; it is not API.
 */
public final class PostgresOffsetBackingStore implements OffsetBackingStore {

  /** JDBC URL of the database holding the offset table. */
  public static final String JDBC_URL = "outboxkit.offset.jdbc.url";

  /** Database user. */
  public static final String JDBC_USER = "outboxkit.offset.jdbc.user";

  /** Database password. */
  public static final String JDBC_PASSWORD = "outboxkit.offset.jdbc.password";

  /**
   * Prefix of further connection properties (the JDBC URL's secret parameters, such as {@code sslpassword},
   * which are kept out of the URL).
   */
  public static final String JDBC_PARAMETER_PREFIX = "outboxkit.offset.jdbc.parameter.";

  /** The offset table, schema-qualified and quoted. */
  public static final String TABLE = "outboxkit.offset.table";

  /** The store name: rows of other stores in the same table are left alone. */
  public static final String STORE_NAME = "outboxkit.offset.store";

  private static final Logger log = LoggerFactory.getLogger(PostgresOffsetBackingStore.class);

  private final Map<ByteBuffer, ByteBuffer> data = new HashMap<>();
  private @Nullable String url;
  private @Nullable String user;
  private @Nullable String password;
  private final Properties parameters = new Properties();
  private @Nullable String table;
  private @Nullable String storeName;
  private @Nullable ExecutorService executor;
  private @Nullable Connection connection;

  /** Used by Debezium's engine. */
  public PostgresOffsetBackingStore() {
  }

  @Override
  public void configure(WorkerConfig config) {
    Map<String, String> originals = config.originalsStrings();
    this.url = required(originals, JDBC_URL);
    this.user = required(originals, JDBC_USER);
    this.password = originals.getOrDefault(JDBC_PASSWORD, "");
    originals.forEach((key, value) -> {
      if (key.startsWith(JDBC_PARAMETER_PREFIX)) {
        parameters.setProperty(key.substring(JDBC_PARAMETER_PREFIX.length()), value);
      }
    });
    this.table = required(originals, TABLE);
    this.storeName = required(originals, STORE_NAME);
  }

  @Override
  public void start() {
    executor = Executors.newSingleThreadExecutor(runnable -> {
      Thread thread = new Thread(runnable, "outboxkit-offset-store-" + storeName);
      thread.setDaemon(true);
      return thread;
    });
    try {
      Connection c = connection();
      int rowCount = 0;
      try (PreparedStatement select = c.prepareStatement(
          "SELECT offset_key, offset_value FROM " + table + " WHERE store_name = ?")) {
        select.setString(1, storeName);
        try (ResultSet rows = select.executeQuery()) {
          synchronized (data) {
            while (rows.next()) {
              data.put(buffer(rows.getString(1)), buffer(rows.getString(2)));
              rowCount++;
            }
          }
        }
      }
      log.info("offset store {}: {} stored position(s) loaded from {}", storeName, rowCount, table);
    } catch (SQLException e) {
      closeConnection();
      throw new ConnectException("cannot read the relay's offsets from " + table + ": " + e.getMessage(), e);
    }
  }

  @Override
  public void stop() {
    ExecutorService running = executor;
    if (running != null) {
      running.shutdown();
      try {
        if (!running.awaitTermination(30, TimeUnit.SECONDS)) {
          log.warn("offset store {}: a write did not finish within 30 s of stopping", storeName);
          running.shutdownNow();
        }
      } catch (InterruptedException e) {
        running.shutdownNow();
        Thread.currentThread().interrupt();
      }
    }
    closeConnection();
  }

  @Override
  public Future<Map<ByteBuffer, ByteBuffer>> get(Collection<ByteBuffer> keys) {
    return Objects.requireNonNull(executor, "offset store not started").submit(() -> {
      Map<ByteBuffer, ByteBuffer> result = new HashMap<>();
      synchronized (data) {
        for (ByteBuffer key : keys) {
          result.put(key, data.get(key));
        }
      }
      return result;
    });
  }

  @Override
  public Future<Void> set(Map<ByteBuffer, ByteBuffer> values, @Nullable Callback<Void> callback) {
    return Objects.requireNonNull(executor, "offset store not started").submit(() -> {
      long start = System.nanoTime();
      try {
        writeWithOneRetry(values);
      } catch (SQLException | RuntimeException e) {
        log.warn("offset store {}: writing {} position(s) to {} failed, will be written with the next commit: {}",
            storeName, values.size(), table, e.getMessage());
        if (callback != null) {
          callback.onCompletion(e, null);
        }
        throw e;
      }
      log.debug("offset store {}: {} position(s) written in {} ms", storeName, values.size(),
          (System.nanoTime() - start) / 100_000 / 10.0);
      synchronized (data) {
        values.forEach((key, value) -> {
          if (value == null) {
            data.remove(key);
          } else {
            data.put(key, value);
          }
        });
      }
      if (callback != null) {
        callback.onCompletion(null, null);
      }
      return null;
    });
  }

  @Override
  public Set<Map<String, Object>> connectorPartitions(String connectorName) {
    return Set.of();
  }

  /**
   * Writes once more on a new connection if the first attempt failed: a connection broken by a database
   * restart would otherwise cost a flush interval, or the final position when the relay is closing.
   */
  private void writeWithOneRetry(Map<ByteBuffer, ByteBuffer> values) throws SQLException {
    try {
      write(values);
    } catch (SQLException | RuntimeException first) {
      closeConnection();
      log.debug("offset store {}: write failed, trying once more on a new connection: {}", storeName,
          first.getMessage());
      try {
        write(values);
      } catch (SQLException | RuntimeException second) {
        closeConnection();
        second.addSuppressed(first);
        throw second;
      }
    }
  }

  private void write(Map<ByteBuffer, ByteBuffer> values) throws SQLException {
    JdbcTransactions.run(connection(), c -> writeRows(c, values));
  }

  private void writeRows(Connection c, Map<ByteBuffer, ByteBuffer> values) throws SQLException {
    try (PreparedStatement upsert = c.prepareStatement(
            "INSERT INTO " + table + " (store_name, offset_key, offset_value, updated_at) VALUES (?, ?, ?, now())"
                + " ON CONFLICT (store_name, offset_key) DO UPDATE"
                + " SET offset_value = excluded.offset_value, updated_at = excluded.updated_at");
        PreparedStatement delete = c.prepareStatement(
            "DELETE FROM " + table + " WHERE store_name = ? AND offset_key = ?")) {
      for (Map.Entry<ByteBuffer, ByteBuffer> entry : values.entrySet()) {
        String key = text(entry.getKey());
        if (entry.getValue() == null) {
          delete.setString(1, storeName);
          delete.setString(2, key);
          delete.executeUpdate();
        } else {
          upsert.setString(1, storeName);
          upsert.setString(2, key);
          upsert.setString(3, text(entry.getValue()));
          upsert.executeUpdate();
        }
      }
    }
  }

  private Connection connection() throws SQLException {
    Connection c = connection;
    if (c == null || c.isClosed()) {
      Properties properties = new Properties();
      properties.putAll(parameters);
      properties.setProperty("user", Objects.requireNonNull(user));
      properties.setProperty("password", password == null ? "" : password);
      properties.setProperty("ApplicationName", "outboxkit-relay-offsets");
      properties.setProperty("connectTimeout", "10");
      properties.setProperty("socketTimeout", "30");
      c = DriverManager.getConnection(url, properties);
      connection = c;
    }
    return c;
  }

  private void closeConnection() {
    Connection c = connection;
    connection = null;
    JdbcTransactions.closeQuietly(c);
  }

  private static String required(Map<String, String> originals, String key) {
    String value = originals.get(key);
    if (value == null || value.isEmpty()) {
      throw new ConnectException("offset store setting " + key + " is missing");
    }
    return value;
  }

  private static ByteBuffer buffer(String text) {
    return ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8));
  }

  private static String text(ByteBuffer buffer) {
    ByteBuffer copy = buffer.duplicate();
    byte[] bytes = new byte[copy.remaining()];
    copy.get(bytes);
    return new String(bytes, StandardCharsets.UTF_8);
  }
}
