package io.outboxkit.spring.relay;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.logging.LogLevel;
import org.springframework.boot.logging.LoggerConfiguration;
import org.springframework.boot.logging.LoggingSystem;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Configuration;

/**
 * The log levels an application with an enabled relay starts with, through Spring Boot's logging system. This
 * module's logback-test.xml sets io.debezium and the type registry itself, so the loggers it leaves alone (the
 * Kafka configuration dumps and version lines) tell whether the relay's defaults were applied.
 */
class RelayLogLevelsTest {

  private static final String TYPE_REGISTRY = "io.debezium.connector.postgresql.TypeRegistry";
  private static final String CONFIG_DUMPS = "org.apache.kafka.common.config.AbstractConfig";
  private static final String DEBEZIUM = "io.debezium";
  private static final String KAFKA_VERSION = "org.apache.kafka.common.utils.AppInfoParser";

  private final LoggingSystem logging = LoggingSystem.get(getClass().getClassLoader());

  @AfterEach
  void resetLevels() {
    for (String property : RelayLogLevels.LEVELS.keySet()) {
      logging.setLogLevel(property.substring("logging.level.".length()), null);
    }
  }

  @Test
  void anEnabledRelayQuietsDebeziumAndKafkaConfigurationDumps() {
    run("--outbox.relay.enabled=true");
    assertThat(configuredLevel(CONFIG_DUMPS)).isEqualTo(LogLevel.WARN);
    assertThat(configuredLevel(KAFKA_VERSION)).isEqualTo(LogLevel.WARN);
    assertThat(configuredLevel(TYPE_REGISTRY)).isEqualTo(LogLevel.ERROR);
    assertThat(configuredLevel(DEBEZIUM)).isEqualTo(LogLevel.WARN);
  }

  @Test
  void theApplicationsOwnLevelsWin() {
    run("--outbox.relay.enabled=true", "--logging.level.io.debezium=debug",
        "--logging.level.org.apache.kafka.common.config.AbstractConfig=info");
    assertThat(configuredLevel(DEBEZIUM)).isEqualTo(LogLevel.DEBUG);
    assertThat(configuredLevel(CONFIG_DUMPS)).isEqualTo(LogLevel.INFO);
    assertThat(configuredLevel(KAFKA_VERSION)).isEqualTo(LogLevel.WARN);
  }

  @Test
  void withoutTheRelayTheLevelsAreLeftAlone() {
    run();
    assertThat(configuredLevel(CONFIG_DUMPS)).isNull();
    assertThat(configuredLevel(KAFKA_VERSION)).isNull();
  }

  private void run(String... arguments) {
    SpringApplication application = new SpringApplication(Empty.class);
    application.setWebApplicationType(WebApplicationType.NONE);
    try (ConfigurableApplicationContext context = application.run(arguments)) {
      assertThat(context.isActive()).isTrue();
    }
  }

  private LogLevel configuredLevel(String logger) {
    LoggerConfiguration configuration = logging.getLoggerConfiguration(logger);
    return configuration == null ? null : configuration.getConfiguredLevel();
  }

  @Configuration(proxyBeanMethods = false)
  static class Empty {
  }
}
