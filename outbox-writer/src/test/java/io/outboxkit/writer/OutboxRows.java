package io.outboxkit.writer;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;

/** Reads what the writer left in the database, as a user would check it with SQL. */
final class OutboxRows {

  record Row(UUID id, String aggregateType, String aggregateId, String type, @Nullable String payload,
      @Nullable String tracingSpanContext, @Nullable String headers, OffsetDateTime createdAt) {
  }

  private OutboxRows() {
  }

  /** The rows of the table, ordered by id; payload and headers as PostgreSQL renders the jsonb. */
  static List<Row> read(DataSource dataSource, String qualifiedTable) throws SQLException {
    try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement();
         ResultSet rows = statement.executeQuery("SELECT id, aggregatetype, aggregateid, type, payload::text,"
             + " tracingspancontext, headers::text, created_at FROM " + qualifiedTable + " ORDER BY id")) {
      List<Row> result = new ArrayList<>();
      while (rows.next()) {
        result.add(new Row(rows.getObject(1, UUID.class), rows.getString(2), rows.getString(3), rows.getString(4),
            rows.getString(5), rows.getString(6), rows.getString(7), rows.getObject(8, OffsetDateTime.class)));
      }
      return result;
    }
  }

  static List<Row> read(DataSource dataSource) throws SQLException {
    return read(dataSource, "public.outbox_event");
  }

  static long count(DataSource dataSource, String table) throws SQLException {
    try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement();
         ResultSet rows = statement.executeQuery("SELECT count(*) FROM " + table)) {
      rows.next();
      return rows.getLong(1);
    }
  }

  /** How PostgreSQL renders the given JSON text as jsonb, to compare with a stored payload. */
  static String asJsonb(DataSource dataSource, String json) throws SQLException {
    try (Connection connection = dataSource.getConnection();
         PreparedStatement statement = connection.prepareStatement("SELECT ?::jsonb::text")) {
      statement.setString(1, json);
      try (ResultSet rows = statement.executeQuery()) {
        rows.next();
        return rows.getString(1);
      }
    }
  }

  /** Installs the outbox table and publication with the default names, without a replication slot. */
  static void installTable(DataSource dataSource) {
    OutboxSchema.builder().createReplicationSlot(false).build().install(dataSource);
  }

  /** Creates the business table the tests write beside the outbox. */
  static void createOrders(DataSource dataSource) throws SQLException {
    try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement()) {
      statement.execute("CREATE TABLE orders (id text PRIMARY KEY, total numeric NOT NULL)");
    }
  }

  static void insertOrder(Connection connection, String id) throws SQLException {
    try (PreparedStatement statement = connection.prepareStatement("INSERT INTO orders VALUES (?, 10)")) {
      statement.setString(1, id);
      statement.executeUpdate();
    }
  }
}
