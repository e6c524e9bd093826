package io.outboxkit.benchmarks;

import io.outboxkit.test.OutboxTestInfrastructure;
import io.outboxkit.test.TestDatabase;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import org.apache.kafka.common.utils.AppInfoParser;

/** Facts about the machine and the servers a run measured on, for the results file. */
final class MachineFacts {

  private MachineFacts() {
  }

  /** Name to value, in the order shown. */
  static Map<String, String> collect(OutboxTestInfrastructure infrastructure) {
    Map<String, String> facts = new LinkedHashMap<>();
    facts.put("cores", Integer.toString(Runtime.getRuntime().availableProcessors()));
    facts.put("CPU", cpuModel());
    facts.put("memory", memory());
    facts.put("operating system", System.getProperty("os.name") + " " + System.getProperty("os.version") + " ("
        + System.getProperty("os.arch") + ")");
    facts.put("JVM", System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version") + " ("
        + System.getProperty("java.vm.vendor") + ")");
    facts.put("infrastructure", infrastructure.provider().name().toLowerCase(Locale.ROOT) + ": "
        + infrastructure.postgres() + ", " + infrastructure.kafka());
    facts.putAll(postgres(infrastructure));
    facts.put("Kafka clients", AppInfoParser.getVersion());
    facts.put("Debezium", io.debezium.connector.postgresql.Module.version());
    return facts;
  }

  /** The 1, 5 and 15 minute load averages, or "unknown". */
  static String loadAverage() {
    try {
      String[] parts = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
      return parts[0] + " / " + parts[1] + " / " + parts[2];
    } catch (IOException | RuntimeException e) {
      return "unknown";
    }
  }

  private static Map<String, String> postgres(OutboxTestInfrastructure infrastructure) {
    Map<String, String> facts = new LinkedHashMap<>();
    try (TestDatabase db = infrastructure.newDatabase("facts");
         Connection connection = db.openConnection(); Statement statement = connection.createStatement()) {
      facts.put("PostgreSQL", single(statement, "SELECT version()"));
      facts.put("PostgreSQL settings", settings(statement));
    } catch (SQLException | RuntimeException e) {
      facts.put("PostgreSQL", "unknown (" + e.getMessage() + ")");
    }
    return facts;
  }

  /**
   * The settings that decide what a commit costs, read from a server through a new database of it, for example
   * {@code synchronous_commit=on, fsync=on, wal_sync_method=fdatasync, ...}; "unknown (why)" if they cannot be read.
   */
  static String postgresSettings(Function<String, TestDatabase> newDatabase) {
    try (TestDatabase db = newDatabase.apply("facts");
         Connection connection = db.openConnection(); Statement statement = connection.createStatement()) {
      return settings(statement);
    } catch (SQLException | RuntimeException e) {
      return "unknown (" + e.getMessage() + ")";
    }
  }

  private static String settings(Statement statement) throws SQLException {
    StringBuilder settings = new StringBuilder();
    for (String setting : List.of("synchronous_commit", "fsync", "wal_sync_method", "wal_level", "shared_buffers",
        "max_wal_size")) {
      settings.append(settings.length() == 0 ? "" : ", ").append(setting).append('=')
          .append(single(statement, "SHOW " + setting));
    }
    return settings.toString();
  }

  private static String single(Statement statement, String sql) throws SQLException {
    try (ResultSet rs = statement.executeQuery(sql)) {
      rs.next();
      return rs.getString(1);
    }
  }

  private static String cpuModel() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
        if (line.startsWith("model name")) {
          return line.substring(line.indexOf(':') + 1).trim();
        }
      }
    } catch (IOException | RuntimeException ignored) {
      // not Linux
    }
    return "unknown";
  }

  private static String memory() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
        if (line.startsWith("MemTotal:")) {
          long kb = Long.parseLong(line.replaceAll("\\D+", ""));
          return String.format(Locale.ROOT, "%.1f GiB", kb / (1024.0 * 1024.0));
        }
      }
    } catch (IOException | RuntimeException ignored) {
      // not Linux
    }
    return "unknown";
  }
}
