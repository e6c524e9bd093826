package io.outboxkit.saga;

import io.outboxkit.core.OutboxException;
import io.outboxkit.core.SqlIdentifier;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiFunction;
import java.util.function.IntFunction;
import org.jspecify.annotations.Nullable;

/** The SQL of the orchestrator's tables. Stateless apart from the statements' text; thread-safe. */
final class SagaStore {

  private static final String COLUMNS = "saga_type, saga_id, state, step, attempt, waiting_for, pivot_passed,"
      + " data::text, version, next_check_at, saga_deadline, last_error, created_at, updated_at, trace_context";

  private final String insert;
  private final String lock;
  private final String lockAll;
  private final String due;
  private final String update;
  private final String history;
  private final String find;
  private final String list;
  private final String readHistory;
  private final String retry;
  private final String purgeHistory;
  private final String purge;
  private final String summary;

  SagaStore(SqlIdentifier schema) {
    String instance = schema.quoted() + ".saga_instance";
    String steps = schema.quoted() + ".saga_step_history";
    insert = "INSERT INTO " + instance + " (saga_type, saga_id, state, step, data, saga_deadline, trace_context)"
        + " VALUES (?, ?, 'RUNNING', 0, ?::jsonb, ?, ?) ON CONFLICT DO NOTHING";
    lock = "SELECT " + COLUMNS + " FROM " + instance + " WHERE saga_type = ? AND saga_id = ? FOR UPDATE";
    lockAll = "SELECT " + COLUMNS + " FROM " + instance + " WHERE (saga_type, saga_id) IN (SELECT * FROM"
        + " unnest(?::varchar[], ?::varchar[])) ORDER BY saga_type, saga_id FOR UPDATE";
    due = "SELECT " + COLUMNS + " FROM " + instance + " WHERE state IN ('RUNNING', 'COMPENSATING')"
        + " AND next_check_at <= ? ORDER BY next_check_at LIMIT ? FOR UPDATE SKIP LOCKED";
    update = "UPDATE " + instance + " SET state = ?, step = ?, attempt = ?, waiting_for = ?, pivot_passed = ?,"
        + " data = ?::jsonb, version = version + 1, next_check_at = ?, saga_deadline = ?, last_error = ?,"
        + " updated_at = now() WHERE saga_type = ? AND saga_id = ? AND version = ?";
    history = "INSERT INTO " + steps + " (saga_type, saga_id, step, step_name, phase, event, attempt, detail)"
        + " VALUES (?, ?, ?, ?, ?, ?, ?, ?)";
    find = "SELECT " + COLUMNS + " FROM " + instance + " WHERE saga_type = ? AND saga_id = ?";
    list = "SELECT " + COLUMNS + " FROM " + instance + " WHERE state = ? ORDER BY updated_at LIMIT ?";
    readHistory = "SELECT step, step_name, phase, event, attempt, detail, at FROM " + steps
        + " WHERE saga_type = ? AND saga_id = ? ORDER BY id";
    retry = "UPDATE " + instance + " SET state = 'COMPENSATING', attempt = 0, waiting_for = 'RETRY',"
        + " next_check_at = now(), version = version + 1, updated_at = now()"
        + " WHERE saga_type = ? AND saga_id = ? AND state = 'FAILED'";
    purgeHistory = "DELETE FROM " + steps + " h USING (SELECT saga_type, saga_id FROM " + instance
        + " WHERE state IN ('COMPLETED', 'COMPENSATED') AND updated_at < now() - ? * interval '1 millisecond'"
        + " ORDER BY updated_at LIMIT ?) d WHERE h.saga_type = d.saga_type AND h.saga_id = d.saga_id";
    purge = "DELETE FROM " + instance + " WHERE (saga_type, saga_id) IN (SELECT saga_type, saga_id FROM " + instance
        + " WHERE state IN ('COMPLETED', 'COMPENSATED') AND updated_at < now() - ? * interval '1 millisecond'"
        + " ORDER BY updated_at LIMIT ?)";
    summary = "SELECT state, count(*), count(*) FILTER (WHERE next_check_at < ?) FROM " + instance
        + " WHERE state IN ('RUNNING', 'COMPENSATING', 'FAILED') GROUP BY state";
  }

  /** Sagas in progress and FAILED, and those in progress whose next check is older than {@code overdueBefore}. */
  SagaOrchestrator.Summary summary(Connection connection, Instant overdueBefore) throws SQLException {
    long running = 0;
    long compensating = 0;
    long failed = 0;
    long overdue = 0;
    try (PreparedStatement statement = connection.prepareStatement(summary)) {
      statement.setObject(1, OffsetDateTime.ofInstant(overdueBefore, ZoneOffset.UTC));
      try (ResultSet rows = statement.executeQuery()) {
        while (rows.next()) {
          long count = rows.getLong(2);
          switch (rows.getString(1)) {
            case "RUNNING" -> running = count;
            case "COMPENSATING" -> compensating = count;
            default -> failed = count;
          }
          if (!"FAILED".equals(rows.getString(1))) {
            overdue += rows.getLong(3);
          }
        }
      }
    }
    return new SagaOrchestrator.Summary(running, compensating, failed, overdue);
  }

  /** Inserts a new saga; false when one with this type and id exists. */
  boolean insert(Connection connection, String type, String id, String dataJson, @Nullable Instant deadline,
      @Nullable String traceContext) throws SQLException {
    try (PreparedStatement statement = connection.prepareStatement(insert)) {
      statement.setString(1, type);
      statement.setString(2, id);
      statement.setString(3, dataJson);
      setInstant(statement, 4, deadline);
      statement.setString(5, traceContext);
      return statement.executeUpdate() == 1;
    }
  }

  /** Reads and locks a saga for a transition, or null when there is none. */
  @Nullable SagaRun lock(Connection connection, String type, String id) throws SQLException {
    try (PreparedStatement statement = connection.prepareStatement(lock)) {
      statement.setString(1, type);
      statement.setString(2, id);
      try (ResultSet rows = statement.executeQuery()) {
        return rows.next() ? run(rows) : null;
      }
    }
  }

  /** A saga's key. */
  record Key(String sagaType, String sagaId) {
  }

  /**
   * Reads and locks the sagas of {@code keys} (repeats allowed) with one statement, in key order; the sagas
   * that do not exist are missing from the map.
   */
  Map<Key, SagaRun> lockAll(Connection connection, List<Key> keys) throws SQLException {
    Set<Key> distinct = new LinkedHashSet<>(keys);
    String[] types = new String[distinct.size()];
    String[] ids = new String[distinct.size()];
    int i = 0;
    for (Key key : distinct) {
      types[i] = key.sagaType();
      ids[i] = key.sagaId();
      i++;
    }
    Map<Key, SagaRun> runs = new LinkedHashMap<>();
    try (PreparedStatement statement = connection.prepareStatement(lockAll)) {
      statement.setArray(1, connection.createArrayOf("varchar", types));
      statement.setArray(2, connection.createArrayOf("varchar", ids));
      try (ResultSet rows = statement.executeQuery()) {
        while (rows.next()) {
          SagaRun run = run(rows);
          runs.put(new Key(run.sagaType, run.sagaId), run);
        }
      }
    }
    return runs;
  }

  /** Claims up to {@code limit} sagas due at {@code now}, skipping those another transaction holds. */
  List<SagaRun> claimDue(Connection connection, Instant now, int limit) throws SQLException {
    try (PreparedStatement statement = connection.prepareStatement(due)) {
      statement.setObject(1, OffsetDateTime.ofInstant(now, ZoneOffset.UTC));
      statement.setInt(2, limit);
      List<SagaRun> runs = new ArrayList<>();
      try (ResultSet rows = statement.executeQuery()) {
        while (rows.next()) {
          runs.add(run(rows));
        }
      }
      return runs;
    }
  }

  /** Writes a transition; the row must still have the version that was read. */
  void update(Connection connection, SagaRun run) throws SQLException {
    updateAll(connection, List.of(run));
  }

  /**
   * Writes the transitions of several sagas, each row once (its version goes up by one, however many moves it
   * made), with one batch of updates and one of history lines; every row must still have the version read.
   */
  void updateAll(Connection connection, Collection<SagaRun> runs) throws SQLException {
    if (runs.isEmpty()) {
      return;
    }
    List<SagaRun> list = List.copyOf(runs);
    try (PreparedStatement statement = connection.prepareStatement(update)) {
      for (SagaRun run : list) {
        statement.setString(1, run.state.name());
        statement.setInt(2, run.step);
        statement.setInt(3, run.attempt);
        statement.setString(4, run.waitingFor);
        statement.setBoolean(5, run.pivotPassed);
        statement.setString(6, run.dataJson);
        setInstant(statement, 7, run.nextCheckAt);
        setInstant(statement, 8, run.sagaDeadline);
        statement.setString(9, run.lastError);
        statement.setString(10, run.sagaType);
        statement.setString(11, run.sagaId);
        statement.setLong(12, run.version);
        if (list.size() == 1) {
          check(statement.executeUpdate(), run);
        } else {
          statement.addBatch();
        }
      }
      if (list.size() > 1) {
        int[] counts = statement.executeBatch();
        for (int i = 0; i < counts.length; i++) {
          check(counts[i], list.get(i));
        }
      }
    }
    boolean anyHistory = false;
    try (PreparedStatement statement = connection.prepareStatement(history)) {
      for (SagaRun run : list) {
        for (SagaRun.Line line : run.history) {
          statement.setString(1, run.sagaType);
          statement.setString(2, run.sagaId);
          statement.setInt(3, line.step());
          statement.setString(4, line.stepName());
          statement.setString(5, line.phase());
          statement.setString(6, line.event());
          statement.setInt(7, line.attempt());
          statement.setString(8, line.detail());
          statement.addBatch();
          anyHistory = true;
        }
      }
      if (anyHistory) {
        statement.executeBatch();
      }
    }
  }

  private static void check(int count, SagaRun run) {
    if (count != 1) {
      throw new OutboxException(run + " was changed by another transaction after version " + run.version
          + " was read: the transition is rolled back and will be retried");
    }
  }

  @Nullable SagaInstance find(Connection connection, String type, String id, IntFunction<String> stepName)
      throws SQLException {
    try (PreparedStatement statement = connection.prepareStatement(find)) {
      statement.setString(1, type);
      statement.setString(2, id);
      try (ResultSet rows = statement.executeQuery()) {
        return rows.next() ? instance(rows, stepName) : null;
      }
    }
  }

  List<SagaInstance> list(Connection connection, SagaState state, int limit,
      BiFunction<String, Integer, String> stepName) throws SQLException {
    try (PreparedStatement statement = connection.prepareStatement(list)) {
      statement.setString(1, state.name());
      statement.setInt(2, limit);
      List<SagaInstance> found = new ArrayList<>();
      try (ResultSet rows = statement.executeQuery()) {
        while (rows.next()) {
          String type = rows.getString(1);
          found.add(instance(rows, index -> stepName.apply(type, index)));
        }
      }
      return found;
    }
  }

  List<SagaHistoryEntry> history(Connection connection, String type, String id) throws SQLException {
    try (PreparedStatement statement = connection.prepareStatement(readHistory)) {
      statement.setString(1, type);
      statement.setString(2, id);
      List<SagaHistoryEntry> entries = new ArrayList<>();
      try (ResultSet rows = statement.executeQuery()) {
        while (rows.next()) {
          entries.add(new SagaHistoryEntry(rows.getInt(1), rows.getString(2), rows.getString(3), rows.getString(4),
              rows.getInt(5), rows.getString(6), rows.getTimestamp(7).toInstant()));
        }
      }
      return entries;
    }
  }

  boolean retry(Connection connection, String type, String id) throws SQLException {
    try (PreparedStatement statement = connection.prepareStatement(retry)) {
      statement.setString(1, type);
      statement.setString(2, id);
      return statement.executeUpdate() == 1;
    }
  }

  /** Deletes up to {@code limit} finished sagas older than {@code maxAgeMillis} and their history. */
  int purge(Connection connection, long maxAgeMillis, int limit) throws SQLException {
    try (PreparedStatement statement = connection.prepareStatement(purgeHistory)) {
      statement.setLong(1, maxAgeMillis);
      statement.setInt(2, limit);
      statement.executeUpdate();
    }
    try (PreparedStatement statement = connection.prepareStatement(purge)) {
      statement.setLong(1, maxAgeMillis);
      statement.setInt(2, limit);
      return statement.executeUpdate();
    }
  }

  private static SagaRun run(ResultSet rows) throws SQLException {
    SagaRun run = new SagaRun(rows.getString(1), rows.getString(2), rows.getLong(9),
        SagaState.valueOf(rows.getString(3)), rows.getInt(4), rows.getInt(5), rows.getString(6), rows.getBoolean(7),
        rows.getString(8), instant(rows, 10), instant(rows, 11), rows.getString(12));
    run.createdAt = instant(rows, 13);
    run.updatedAt = instant(rows, 14);
    run.traceContext = rows.getString(15);
    return run;
  }

  private static SagaInstance instance(ResultSet rows, IntFunction<String> stepName) throws SQLException {
    int step = rows.getInt(4);
    return new SagaInstance(rows.getString(1), rows.getString(2), SagaState.valueOf(rows.getString(3)), step,
        stepName.apply(step), rows.getInt(5), rows.getString(6), rows.getBoolean(7), rows.getString(8),
        rows.getLong(9), instant(rows, 10), instant(rows, 11), rows.getString(12),
        rows.getTimestamp(13).toInstant(), rows.getTimestamp(14).toInstant());
  }

  private static @Nullable Instant instant(ResultSet rows, int column) throws SQLException {
    Timestamp value = rows.getTimestamp(column);
    return value == null ? null : value.toInstant();
  }

  private static void setInstant(PreparedStatement statement, int index, @Nullable Instant value)
      throws SQLException {
    if (value == null) {
      statement.setNull(index, Types.TIMESTAMP);
    } else {
      statement.setObject(index, OffsetDateTime.ofInstant(value, ZoneOffset.UTC));
    }
  }
}
