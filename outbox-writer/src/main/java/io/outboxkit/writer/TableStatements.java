package io.outboxkit.writer;

import io.outboxkit.core.TableName;
import io.outboxkit.core.WriteMode;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;
import java.util.List;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * {@link WriteMode#TABLE} and {@link WriteMode#TABLE_DELETE_AFTER_INSERT}: one INSERT (several events in one
 * statement over arrays), then maybe a DELETE.
 */
final class TableStatements implements OutboxStatements {

  private final TableName table;
  private final boolean deleteAfterInsert;
  private final String insert;
  private final String insertMany;
  private final String deleteOne;
  private final String deleteMany;

  TableStatements(TableName table, boolean deleteAfterInsert) {
    this.table = table;
    this.deleteAfterInsert = deleteAfterInsert;
    String name = table.qualified();
    this.insert = "INSERT INTO " + name + " (id, aggregatetype, aggregateid, type, payload, tracingspancontext,"
        + " headers) VALUES (?, ?, ?, ?, ?::jsonb, ?, ?::jsonb)";
    this.insertMany = "INSERT INTO " + name + " (id, aggregatetype, aggregateid, type, payload, tracingspancontext,"
        + " headers) SELECT e.id, e.aggregatetype, e.aggregateid, e.type, e.payload, e.tracingspancontext, e.headers"
        + " FROM unnest(?::uuid[], ?::text[], ?::text[], ?::text[], ?::jsonb[], ?::text[], ?::jsonb[])"
        + " WITH ORDINALITY AS e(id, aggregatetype, aggregateid, type, payload, tracingspancontext, headers, n)"
        + " ORDER BY e.n";
    this.deleteOne = "DELETE FROM " + name + " WHERE id = ?";
    this.deleteMany = "DELETE FROM " + name + " WHERE id = ANY (?)";
  }

  @Override
  public void write(Connection connection, List<EncodedEvent> events) throws SQLException {
    if (events.size() == 1) {
      try (PreparedStatement statement = connection.prepareStatement(insert)) {
        bind(statement, events.get(0));
        statement.executeUpdate();
      }
    } else {
      insertMany(connection, events);
    }
    if (deleteAfterInsert) {
      delete(connection, events);
    }
  }

  /**
   * Several events in one statement, one array per column, inserted in the order given: PostgreSQL parses and
   * plans one statement instead of one per event.
   */
  private void insertMany(Connection connection, List<EncodedEvent> events) throws SQLException {
    int n = events.size();
    UUID[] ids = new UUID[n];
    String[] aggregateTypes = new String[n];
    String[] aggregateIds = new String[n];
    String[] types = new String[n];
    String[] payloads = new String[n];
    String[] tracing = new String[n];
    String[] headers = new String[n];
    for (int i = 0; i < n; i++) {
      EncodedEvent event = events.get(i);
      ids[i] = event.id();
      aggregateTypes[i] = event.aggregateType();
      aggregateIds[i] = event.aggregateId();
      types[i] = event.eventType();
      payloads[i] = event.payload();
      tracing[i] = event.tracingSpanContext();
      headers[i] = event.headers().isEmpty() ? null : PayloadJson.headers(event.headers());
    }
    try (PreparedStatement statement = connection.prepareStatement(insertMany)) {
      statement.setArray(1, connection.createArrayOf("uuid", ids));
      statement.setArray(2, connection.createArrayOf("text", aggregateTypes));
      statement.setArray(3, connection.createArrayOf("text", aggregateIds));
      statement.setArray(4, connection.createArrayOf("text", types));
      statement.setArray(5, connection.createArrayOf("text", payloads));
      statement.setArray(6, connection.createArrayOf("text", tracing));
      statement.setArray(7, connection.createArrayOf("text", headers));
      statement.executeUpdate();
    }
  }

  private void delete(Connection connection, List<EncodedEvent> events) throws SQLException {
    if (events.size() == 1) {
      try (PreparedStatement statement = connection.prepareStatement(deleteOne)) {
        statement.setObject(1, events.get(0).id());
        statement.executeUpdate();
      }
      return;
    }
    UUID[] ids = new UUID[events.size()];
    for (int i = 0; i < ids.length; i++) {
      ids[i] = events.get(i).id();
    }
    try (PreparedStatement statement = connection.prepareStatement(deleteMany)) {
      statement.setArray(1, connection.createArrayOf("uuid", ids));
      statement.executeUpdate();
    }
  }

  private static void bind(PreparedStatement statement, EncodedEvent event) throws SQLException {
    statement.setObject(1, event.id());
    statement.setString(2, event.aggregateType());
    statement.setString(3, event.aggregateId());
    statement.setString(4, event.eventType());
    setNullable(statement, 5, event.payload());
    setNullable(statement, 6, event.tracingSpanContext());
    setNullable(statement, 7, event.headers().isEmpty() ? null : PayloadJson.headers(event.headers()));
  }

  private static void setNullable(PreparedStatement statement, int index, @Nullable String value) throws SQLException {
    if (value == null) {
      statement.setNull(index, Types.VARCHAR);
    } else {
      statement.setString(index, value);
    }
  }

  @Override
  public String target() {
    return "table " + table.qualified() + (deleteAfterInsert ? " (deleted after insert)" : "");
  }
}
