package io.outboxkit.spring.relay;

import java.util.Map;
import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.core.Ordered;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

/**
 * Default log levels for the libraries under an enabled relay ({@code outbox.relay.enabled=true}), so that a
 * relay start reads as the relay's own few lines: Debezium and Kafka Connect log warnings only (not their
 * configuration dumps, thread names and state changes), Kafka clients neither dump their configuration nor list
 * their metrics reporters as they close, and Debezium's type registry does not warn about PostgreSQL types whose
 * names several schemas share ({@code Type [...] is already mapped}, harmless for the relay, which reads its own
 * tables only). The levels are the last property source: any {@code logging.level.*} the application sets for
 * these loggers wins.
 */
final class RelayLogLevels implements EnvironmentPostProcessor, Ordered {

  static final String PROPERTY_SOURCE = "outboxkit-relay-log-levels";

  /** The loggers and their levels, as Spring Boot's logging.level.* properties. */
  static final Map<String, Object> LEVELS = Map.of(
      "logging.level.io.debezium", "warn",
      "logging.level.io.debezium.connector.postgresql.TypeRegistry", "error",
      "logging.level.org.apache.kafka.connect", "warn",
      "logging.level.org.apache.kafka.common.config.AbstractConfig", "warn",
      "logging.level.org.apache.kafka.common.utils.AppInfoParser", "warn",
      "logging.level.org.apache.kafka.common.telemetry", "warn",
      "logging.level.org.apache.kafka.common.metrics", "warn");

  @Override
  public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
    if (environment.getProperty("outbox.relay.enabled", Boolean.class, false)
        && !environment.getPropertySources().contains(PROPERTY_SOURCE)) {
      environment.getPropertySources().addLast(new MapPropertySource(PROPERTY_SOURCE, LEVELS));
    }
  }

  /** After the application's configuration files are read, which may enable the relay. */
  @Override
  public int getOrder() {
    return Ordered.LOWEST_PRECEDENCE;
  }
}
