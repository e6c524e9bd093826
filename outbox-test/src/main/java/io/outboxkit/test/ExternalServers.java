package io.outboxkit.test;

import java.util.Properties;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import org.postgresql.Driver;

/** Servers that run already, named by environment variables; they cannot be restarted from a test. */
final class ExternalServers {

  private ExternalServers() {
  }

  static PostgresServer postgres(Function<String, @Nullable String> environment) {
    String url = environment.apply(ProviderSelection.JDBC_URL);
    Properties parsed = url == null ? null : Driver.parseURL(url, null);
    if (parsed == null) {
      throw new TestInfrastructureException(ProviderSelection.JDBC_URL + " has the value '" + url
          + "', which is not a PostgreSQL JDBC URL: use jdbc:postgresql://host:port/database");
    }
    String host = parsed.getProperty("PGHOST", "localhost").split(",")[0];
    int port = Integer.parseInt(parsed.getProperty("PGPORT", "5432").split(",")[0]);
    String database = parsed.getProperty("PGDBNAME", "postgres");
    String user = orDefault(environment.apply(ProviderSelection.JDBC_USER), "postgres");
    String password = orDefault(environment.apply(ProviderSelection.JDBC_PASSWORD), "");
    return new UnmanagedServers.Postgres(ExternalServers::notRestartable) {
      @Override
      public String host() {
        return host;
      }

      @Override
      public int port() {
        return port;
      }

      @Override
      public String username() {
        return user;
      }

      @Override
      public String password() {
        return password;
      }

      @Override
      public String jdbcUrl(String db) {
        return "jdbc:postgresql://" + host + ":" + port + "/" + db;
      }

      @Override
      public String adminDatabase() {
        return database;
      }

      @Override
      public String toString() {
        return "external PostgreSQL at " + host + ":" + port;
      }
    };
  }

  static KafkaServer kafka(Function<String, @Nullable String> environment) {
    String bootstrap = environment.apply(ProviderSelection.KAFKA_BOOTSTRAP);
    if (bootstrap == null || bootstrap.isBlank()) {
      throw new TestInfrastructureException(ProviderSelection.KAFKA_BOOTSTRAP + " is not set");
    }
    return new UnmanagedServers.Kafka(ExternalServers::notRestartable) {
      @Override
      public String bootstrapServers() {
        return bootstrap;
      }

      @Override
      public String toString() {
        return "external Kafka at " + bootstrap;
      }
    };
  }

  static UnsupportedOperationException notRestartable(String what) {
    return new UnsupportedOperationException("the " + what + " of the external test provider runs outside the tests "
        + "and cannot be stopped or restarted by them: a test that stops or restarts servers declares "
        + "@OutboxIntegrationTest(embedded = true) or takes them from OutboxTestInfrastructure.embedded()");
  }

  private static String orDefault(@Nullable String value, String fallback) {
    return value == null || value.isBlank() ? fallback : value;
  }
}
