package io.outboxkit.benchmarks;

import io.outboxkit.core.SchemaScripts;
import io.outboxkit.core.TableName;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import javax.sql.DataSource;

/**
 * Runs the harness's own SQL files (resources under {@code io/outboxkit/benchmarks/sql/}) and OutboxKit's
 * shipped ones ({@link #runShipped}).
 */
final class SqlScripts {

  private SqlScripts() {
  }

  /**
   * Runs a script: statements end with a semicolon at the end of a line; {@code ${name}} placeholders are
   * replaced by the given values, which must already be validated identifiers.
   */
  static void run(DataSource dataSource, String script, Map<String, String> placeholders) {
    String text = load(script);
    for (Map.Entry<String, String> placeholder : placeholders.entrySet()) {
      text = text.replace("${" + placeholder.getKey() + "}", placeholder.getValue());
    }
    try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement()) {
      for (String sql : text.split(";\\s*(\\r?\\n|$)")) {
        String withoutComments = sql.replaceAll("(?m)^\\s*--.*$", "").trim();
        if (!withoutComments.isEmpty()) {
          statement.execute(withoutComments);
        }
      }
    } catch (SQLException e) {
      throw new BenchmarkException("SQL script " + script + " failed: " + e.getMessage(), e);
    }
  }

  static void run(DataSource dataSource, String script) {
    run(dataSource, script, Map.of());
  }

  /** The outbox table exactly as OutboxKit ships it (outbox-core's SQL set), at {@code public.outbox_event}. */
  static void outboxTable(DataSource dataSource) {
    String table = "\"" + TableName.DEFAULT_SCHEMA + "\".\"" + TableName.DEFAULT_OUTBOX_TABLE + "\"";
    String sql = read(SqlScripts.class.getClassLoader(), SchemaScripts.OUTBOX_TABLE_V1)
        .replace("${" + SchemaScripts.OUTBOX_TABLE + "}", table);
    try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement()) {
      statement.execute(sql);
    } catch (SQLException e) {
      throw new BenchmarkException("outbox-core's " + SchemaScripts.OUTBOX_TABLE_V1 + " failed: " + e.getMessage(), e);
    }
  }

  private static String read(ClassLoader loader, String resource) {
    try (InputStream in = loader.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException("missing resource " + resource);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String load(String script) {
    String resource = "sql/" + script;
    try (InputStream in = SqlScripts.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException("missing resource io/outboxkit/benchmarks/" + resource);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
