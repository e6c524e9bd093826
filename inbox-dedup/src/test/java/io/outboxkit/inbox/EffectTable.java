package io.outboxkit.inbox;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import javax.sql.DataSource;

/**
 * The "effect" of test messages: a row in a table of the same database, without any unique constraint, so
 * that an effect applied twice shows as two rows.
 */
public final class EffectTable {

  private EffectTable() {
  }

  /** Creates the inbox (default names) and the effect table. */
  public static void install(DataSource dataSource) throws SQLException {
    InboxSchema.builder().build().install(dataSource);
    try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement()) {
      statement.execute("CREATE TABLE effect (seq bigserial PRIMARY KEY, message_id varchar(1024) NOT NULL,"
          + " note varchar(200))");
    }
  }

  public static void apply(Connection connection, String messageId, String note) throws SQLException {
    try (PreparedStatement insert = connection.prepareStatement(
        "INSERT INTO effect (message_id, note) VALUES (?, ?)")) {
      insert.setString(1, messageId);
      insert.setString(2, note);
      insert.executeUpdate();
    }
  }

  public static long count(DataSource dataSource) {
    return single(dataSource, "SELECT count(*) FROM effect");
  }

  /** Effects applied more than once for the same message id: must stay 0. */
  public static long doubles(DataSource dataSource) {
    return single(dataSource,
        "SELECT count(*) FROM (SELECT message_id FROM effect GROUP BY message_id HAVING count(*) > 1) d");
  }

  public static long countFor(DataSource dataSource, String messageId) {
    return single(dataSource, "SELECT count(*) FROM effect WHERE message_id = '" + messageId.replace("'", "''")
        + "'");
  }

  public static long inboxRows(DataSource dataSource) {
    return single(dataSource, "SELECT count(*) FROM inbox_message");
  }

  public static long single(DataSource dataSource, String sql) {
    try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement();
        ResultSet rs = statement.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    } catch (SQLException e) {
      throw new IllegalStateException(sql + ": " + e.getMessage(), e);
    }
  }

  public static void execute(DataSource dataSource, String sql) {
    try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement()) {
      statement.execute(sql);
    } catch (SQLException e) {
      throw new IllegalStateException(sql + ": " + e.getMessage(), e);
    }
  }
}
