package io.outboxkit.spring.relay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.outboxkit.core.OutboxConfigurationException;
import io.outboxkit.relay.OutboxRelay;
import io.outboxkit.relay.RelayState;
import io.outboxkit.spring.StartupFailures;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.kafka.autoconfigure.KafkaAutoConfiguration;
import org.springframework.boot.kafka.autoconfigure.SslBundleSslEngineFactory;
import org.springframework.boot.ssl.SslBundle;
import org.springframework.boot.autoconfigure.ssl.SslAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.core.env.SystemEnvironmentPropertySource;

class OutboxRelayAutoConfigurationTest {

  /** Nothing listens on port 1: the relay is built but, with auto-startup off, never connects. */
  private static final String[] RELAY = {"outbox.relay.enabled=true", "outbox.relay.auto-startup=false",
      "outbox.relay.jdbc-url=jdbc:postgresql://127.0.0.1:1/orders", "outbox.relay.username=relay",
      "outbox.relay.bootstrap-servers=127.0.0.1:1"};

  private final ApplicationContextRunner runner = new ApplicationContextRunner()
      .withConfiguration(AutoConfigurations.of(OutboxRelayAutoConfiguration.class,
          OutboxRelayHealthAutoConfiguration.class, MissingRelayAutoConfiguration.class));

  @Test
  void offByDefault() {
    runner.run(context -> assertThat(context).hasNotFailed().doesNotHaveBean(OutboxRelay.class)
        .doesNotHaveBean("outboxRelayHealthIndicator"));
    runner.withPropertyValues("outbox.relay.enabled=false")
        .run(context -> assertThat(context).hasNotFailed().doesNotHaveBean(OutboxRelay.class));
  }

  @Test
  void enabledBuildsTheRelayWithItsLifecycleAndHealth() {
    runner.withPropertyValues(RELAY).run(context -> {
      assertThat(context).hasSingleBean(OutboxRelay.class).hasSingleBean(OutboxRelayLifecycle.class)
          .hasBean("outboxRelayHealthIndicator");
      assertThat(context.getBean(OutboxRelay.class).status().state()).isEqualTo(RelayState.NEW);
      assertThat(context.getBean(OutboxRelayLifecycle.class).isRunning()).isFalse();
      assertThat(context.getBean(OutboxRelayHealthIndicator.class).health().getStatus().getCode())
          .isEqualTo("UNKNOWN");
    });
  }

  @Test
  void theRelayIsStartedWithTheContextAndClosedWithIt() {
    FakeRelay relay = new FakeRelay();
    runner.withPropertyValues("outbox.relay.enabled=true").withBean(OutboxRelay.class, () -> relay)
        .run(context -> {
          assertThat(context.getBean(OutboxRelay.class)).isSameAs(relay);
          assertThat(relay.starts).hasValue(1);
          assertThat(relay.closes).hasValue(0);
        });
    assertThat(relay.closes.get()).isGreaterThanOrEqualTo(1);
  }

  @Test
  void autoStartupOffLeavesTheRelayAlone() {
    FakeRelay relay = new FakeRelay();
    runner.withPropertyValues("outbox.relay.enabled=true", "outbox.relay.auto-startup=false")
        .withBean(OutboxRelay.class, () -> relay)
        .run(context -> assertThat(relay.starts).hasValue(0));
  }

  @Test
  void databaseAndBrokersDefaultToTheApplicationsOwn() {
    ApplicationContextRunner withBoot = runner.withConfiguration(AutoConfigurations.of(
        DataSourceAutoConfiguration.class, KafkaAutoConfiguration.class));
    withBoot.withPropertyValues("outbox.relay.enabled=true", "outbox.relay.auto-startup=false",
            "spring.datasource.url=jdbc:postgresql://127.0.0.1:1/orders", "spring.datasource.username=app",
            "spring.kafka.bootstrap-servers=127.0.0.1:1")
        .run(context -> assertThat(context).hasNotFailed().hasSingleBean(OutboxRelay.class));
    // started, the relay shows that it took the application's database
    withBoot.withPropertyValues("outbox.relay.enabled=true",
            "spring.datasource.url=jdbc:postgresql://127.0.0.1:1/from_spring_datasource",
            "spring.datasource.username=app", "spring.kafka.bootstrap-servers=127.0.0.1:1")
        .run(context -> assertThat(StartupFailures.messages(context.getStartupFailure()))
            .contains("from_spring_datasource"));
  }

  @Test
  void theApplicationsBrokersAreReachedWithTheApplicationsSecuritySettings() {
    ApplicationContextRunner withKafka = runner.withConfiguration(AutoConfigurations.of(KafkaAutoConfiguration.class))
        .withPropertyValues("outbox.relay.enabled=true", "outbox.relay.auto-startup=false",
            "outbox.relay.jdbc-url=jdbc:postgresql://127.0.0.1:1/orders", "outbox.relay.username=relay",
            "spring.kafka.bootstrap-servers=127.0.0.1:1", "spring.kafka.security.protocol=SASL_SSL",
            "spring.kafka.properties[sasl.mechanism]=SCRAM-SHA-512",
            "spring.kafka.properties[sasl.jaas.config]=org.apache.kafka.common.security.scram.ScramLoginModule "
                + "required username=\"app\" password=\"secret\";",
            "spring.kafka.ssl.trust-store-type=PKCS12",
            // producer tuning of the application's own producers, which the relay must not take
            "spring.kafka.producer.acks=1", "spring.kafka.producer.properties[linger.ms]=50");
    withKafka.run(context -> {
      // acks=1 would be refused by the relay's builder: the context builds, so it was not copied
      assertThat(context).hasNotFailed().hasSingleBean(OutboxRelay.class);
      Map<String, Object> security = OutboxRelayAutoConfiguration.ApplicationKafka
          .securityProperties(context.getBeanFactory());
      assertThat(security).containsEntry("security.protocol", "SASL_SSL")
          .containsEntry("sasl.mechanism", "SCRAM-SHA-512")
          .containsEntry("ssl.truststore.type", "PKCS12")
          .containsKey("sasl.jaas.config")
          .doesNotContainKeys("acks", "linger.ms", "bootstrap.servers", "key.serializer");
    });
    // an SSL bundle reaches the relay the way Spring Boot hands it to its own producers
    withKafka.withConfiguration(AutoConfigurations.of(SslAutoConfiguration.class))
        .withPropertyValues("spring.ssl.bundle.pem.kafka.truststore.certificate=classpath:test-ca.pem",
            "spring.kafka.ssl.bundle=kafka")
        .run(context -> {
          assertThat(context).hasNotFailed().hasSingleBean(OutboxRelay.class);
          Map<String, Object> security = OutboxRelayAutoConfiguration.ApplicationKafka
              .securityProperties(context.getBeanFactory());
          assertThat(security).containsEntry("ssl.engine.factory.class", SslBundleSslEngineFactory.class)
              .containsKey(SslBundle.class.getName());
        });
  }

  @Test
  void missingDatabaseOrBrokersFailTheStartNamingTheProperty() {
    runner.withPropertyValues("outbox.relay.enabled=true", "outbox.relay.bootstrap-servers=127.0.0.1:1")
        .run(context -> assertThat(StartupFailures.messages(context.getStartupFailure()))
            .contains("outbox.relay.jdbc-url is not set"));
    runner.withPropertyValues("outbox.relay.enabled=true", "outbox.relay.jdbc-url=jdbc:postgresql://h/db",
            "outbox.relay.username=relay")
        .run(context -> assertThat(StartupFailures.messages(context.getStartupFailure()))
            .contains("outbox.relay.bootstrap-servers is not set"));
  }

  @Test
  void invalidValuesFailTheStartNamingTheProperty() {
    runner.withPropertyValues(RELAY).withPropertyValues("outbox.replication-slot=Orders-Slot")
        .run(context -> assertThat(StartupFailures.messages(context.getStartupFailure()))
            .contains("the property outbox.replication-slot is not accepted").contains("Orders-Slot"));
    runner.withPropertyValues(RELAY).withPropertyValues("outbox.relay.producer-properties[acks]=1")
        .run(context -> assertThat(StartupFailures.messages(context.getStartupFailure()))
            .contains("the property outbox.relay.producer-properties[acks] is not accepted"));
    runner.withPropertyValues(RELAY).withPropertyValues("outbox.relay.jdbc-url=postgres://h/db")
        .run(context -> assertThat(reported(context.getStartupFailure()))
            .startsWith("the property outbox.relay.jdbc-url is not accepted: outbox.relay.jdbc-url 'postgres://h/db'")
            .doesNotContain("jdbcUrl"));
    runner.withPropertyValues(RELAY).withPropertyValues("outbox.relay.topic-prefix=orders events.")
        .run(context -> assertThat(reported(context.getStartupFailure()))
            .contains("outbox.relay.topic-prefix 'orders events.'").doesNotContain("topicPrefix"));
  }

  /** The message Spring Boot's report quotes: the outermost OutboxKit exception's. */
  private static String reported(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof OutboxConfigurationException) {
        return t.getMessage();
      }
    }
    throw new AssertionError("no OutboxConfigurationException in " + StartupFailures.messages(failure));
  }

  @Test
  void invalidDurationsFailTheBindingNamingThePropertyNotTheBuilder() {
    runner.withPropertyValues(RELAY).withPropertyValues("outbox.relay.heartbeat-interval=-5s")
        .run(context -> assertThat(StartupFailures.messages(context.getStartupFailure()))
            .contains("BindException", "outbox.relay.heartbeat-interval is PT-5S: set 100ms or more, or 0")
            .doesNotContain("heartbeatInterval"));
    runner.withPropertyValues(RELAY).withPropertyValues("outbox.relay.heartbeat-interval=50ms")
        .run(context -> assertThat(StartupFailures.messages(context.getStartupFailure()))
            .contains("outbox.relay.heartbeat-interval is PT0.05S"));
    runner.withPropertyValues(RELAY).withPropertyValues("outbox.relay.heartbeat-interval=0")
        .run(context -> assertThat(context).hasNotFailed());
    runner.withPropertyValues(RELAY).withPropertyValues("outbox.relay.stall-timeout=500ms")
        .run(context -> assertThat(StartupFailures.messages(context.getStartupFailure()))
            .contains("BindException", "outbox.relay.stall-timeout is PT0.5S: set 1s or more")
            .doesNotContain("stallTimeout"));
    runner.withPropertyValues(RELAY).withPropertyValues("outbox.relay.offset-flush-interval=-1s")
        .run(context -> assertThat(StartupFailures.messages(context.getStartupFailure()))
            .contains("BindException", "outbox.relay.offset-flush-interval is PT-1S")
            .doesNotContain("offsetFlushInterval"));
  }

  @Test
  void environmentVariablesBindTheSameKeys() {
    runner.withInitializer(context -> context.getEnvironment().getPropertySources().addFirst(
            new SystemEnvironmentPropertySource("systemEnvironment", Map.of(
                "OUTBOX_RELAY_ENABLED", "true", "OUTBOX_RELAY_AUTOSTARTUP", "false",
                "OUTBOX_RELAY_JDBCURL", "jdbc:postgresql://127.0.0.1:1/orders", "OUTBOX_RELAY_USERNAME", "relay",
                "OUTBOX_RELAY_BOOTSTRAPSERVERS", "a:9092,b:9092",
                "OUTBOX_RELAY_PRODUCERPROPERTIES_LINGER_MS", "20", "OUTBOX_REPLICATIONSLOT", "orders_slot"))))
        .run(context -> {
          assertThat(context).hasSingleBean(OutboxRelay.class);
          OutboxRelayProperties relay = context.getBean(OutboxRelayProperties.class);
          assertThat(relay.bootstrapServers()).containsExactly("a:9092", "b:9092");
          assertThat(relay.producerProperties()).containsEntry("linger.ms", "20");
          assertThat(relay.autoStartup()).isFalse();
        });
  }

  @Test
  void customizersAdjustTheBuilder() {
    AtomicBoolean customized = new AtomicBoolean();
    runner.withPropertyValues(RELAY)
        .withBean(OutboxRelayBuilderCustomizer.class, () -> builder -> customized.set(true))
        .run(context -> {
          assertThat(context).hasSingleBean(OutboxRelay.class);
          assertThat(customized).isTrue();
        });
  }

  @Test
  void theRelayIsTracedWhenOpenTelemetryIsOnTheClassPath() {
    runner.withPropertyValues(RELAY).run(context -> assertThat(context).hasSingleBean(OutboxRelay.class)
        .hasBean("outboxRelayTracingCustomizer"));
    runner.withPropertyValues(RELAY).withClassLoader(new FilteredClassLoader("io.opentelemetry"))
        .run(context -> assertThat(context).hasSingleBean(OutboxRelay.class)
            .doesNotHaveBean("outboxRelayTracingCustomizer"));
  }

  @Test
  void metersAreRegisteredInTheApplicationsRegistry() {
    runner.withPropertyValues(RELAY).withBean(MeterRegistry.class, SimpleMeterRegistry::new).run(context -> {
      MeterRegistry registry = context.getBean(MeterRegistry.class);
      assertThat(registry.find("outboxkit.relay.events").tag("slot", "outboxkit").counter()).isNotNull();
      assertThat(registry.find("outboxkit.relay.recovered").counter()).isNotNull();
      // a gauge appears with its first sample, which a relay that never started has not taken
      assertThat(registry.find("outboxkit.relay.slot.lag").gauge()).isNull();
    });
    runner.withPropertyValues(RELAY).withClassLoader(new FilteredClassLoader(MeterRegistry.class))
        .run(context -> assertThat(context).hasNotFailed().hasSingleBean(OutboxRelay.class));
  }

  @Test
  void healthIndicatorCanBeTurnedOffAndNeedsSpringBootHealth() {
    runner.withPropertyValues(RELAY).withPropertyValues("management.health.outbox-relay.enabled=false")
        .run(context -> assertThat(context).hasSingleBean(OutboxRelay.class)
            .doesNotHaveBean("outboxRelayHealthIndicator"));
    runner.withPropertyValues(RELAY)
        .withClassLoader(new FilteredClassLoader(org.springframework.boot.health.contributor.HealthIndicator.class))
        .run(context -> assertThat(context).hasSingleBean(OutboxRelay.class)
            .doesNotHaveBean("outboxRelayHealthIndicator"));
  }

  @Test
  void enablingTheRelayWithoutTheLibraryFailsTheStart() {
    runner.withPropertyValues("outbox.relay.enabled=true").withClassLoader(new FilteredClassLoader(OutboxRelay.class))
        .run(context -> assertThat(StartupFailures.messages(context.getStartupFailure()))
            .contains("depend on io.outboxkit:outboxkit-spring-boot-starter-relay"));
    runner.withClassLoader(new FilteredClassLoader(OutboxRelay.class))
        .run(context -> assertThat(context).hasNotFailed());
  }

  @Test
  void noSecretShowsInThePropertiesTheHealthOrTheStartupFailure() {
    String[] secrets = {"DbPassword-7f3a", "UrlSecret-7f3a", "JaasSecret-7f3a", "DebeziumSecret-7f3a"};
    ApplicationContextRunner withSecrets = runner.withPropertyValues("outbox.relay.enabled=true",
        "outbox.relay.jdbc-url=jdbc:postgresql://127.0.0.1:1/orders?sslmode=prefer&sslpassword=" + secrets[1],
        "outbox.relay.username=relay", "outbox.relay.password=" + secrets[0],
        "outbox.relay.bootstrap-servers=127.0.0.1:1",
        "outbox.relay.producer-properties[sasl.jaas.config]=org.apache.kafka.common.security.plain.PlainLoginModule"
            + " required username=\"relay\" password=\"" + secrets[2] + "\";",
        "outbox.relay.debezium-properties[database.sslpassword]=" + secrets[3]);
    withSecrets.withPropertyValues("outbox.relay.auto-startup=false").run(context -> {
      assertThat(context).hasNotFailed();
      String properties = context.getBean(OutboxRelayProperties.class).toString();
      assertThat(properties).doesNotContain(secrets).contains("password=******", "sslpassword=******",
          "sasl.jaas.config=******", "database.sslpassword=******", "username=relay", "sslmode=prefer");
      OutboxRelay relay = context.getBean(OutboxRelay.class);
      assertThatThrownBy(relay::start).satisfies(e -> assertThat(StartupFailures.messages(e))
          .contains("cannot reach PostgreSQL").doesNotContain(secrets));
      Health health = context.getBean(OutboxRelayHealthIndicator.class).health();
      assertThat(health.getStatus().getCode()).isEqualTo("DOWN");
      assertThat(health.getDetails().toString()).contains("cannot reach PostgreSQL").doesNotContain(secrets);
    });
    // started with the context: the start fails, and the failure (which Spring Boot's report quotes) shows none
    withSecrets.run(context -> assertThat(StartupFailures.messages(context.getStartupFailure()))
        .contains("cannot reach PostgreSQL").doesNotContain(secrets));
  }
}
