package io.outboxkit.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.outboxkit.core.OutboxConfigurationException;
import io.outboxkit.core.OutboxException;
import io.outboxkit.core.ServerUnavailableException;
import io.outboxkit.spring.relay.OutboxRelayAutoConfiguration;
import io.outboxkit.spring.relay.OutboxRelayProperties;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.BeanCreationException;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.properties.bind.BindException;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

class OutboxFailureAnalyzerTest {

  private final OutboxFailureAnalyzer analyzer = new OutboxFailureAnalyzer();

  @Test
  void aConfigurationFailureBecomesAShortReportNamingTheSetting() {
    FailureAnalysis analysis = analyzer.analyze(new BeanCreationException("outboxRelay", "could not create",
        new OutboxConfigurationException("outbox.relay.jdbc-url is not set: set it to jdbc:postgresql://...")));
    assertThat(analysis.getDescription())
        .isEqualTo("OutboxKit could not start: outbox.relay.jdbc-url is not set: set it to jdbc:postgresql://...");
    assertThat(analysis.getAction()).startsWith("Correct the setting named above");
  }

  @Test
  void aMissingOutboxTableAsksToCreateItAsTheMessageSays() {
    FailureAnalysis analysis = analyzer.analyze(new BeanCreationException("outboxWriter", "could not create",
        new OutboxConfigurationException("outbox table public.outbox_event does not exist in database orders as "
            + "user 'app' ...: set outbox.writer.initialize-schema=true, or apply outbox-core's SQL "
            + "set io/outboxkit/core/schema/v1 ...")));
    assertThat(analysis.getDescription()).startsWith("OutboxKit could not start: outbox table public.outbox_event "
        + "does not exist").contains("outbox.writer.initialize-schema=true");
    assertThat(analysis.getAction())
        .contains("create the missing table or replication slot with the property or SQL named there");
  }

  @Test
  void anUnreachableServerAsksToCheckTheConnection() {
    FailureAnalysis analysis = analyzer.analyze(new IllegalStateException("start failed",
        new ServerUnavailableException("cannot reach PostgreSQL connecting to database orders at db:5432", null)));
    assertThat(analysis.getDescription()).contains("cannot reach PostgreSQL");
    assertThat(analysis.getAction()).startsWith("Check that PostgreSQL and Kafka are reachable")
        .contains("spring.datasource.*");
  }

  @Test
  void aRefusalThatIsNeitherSettingNorOutageAsksToChangeWhatItNames() {
    FailureAnalysis analysis = analyzer.analyze(new IllegalStateException("start failed",
        new OutboxException("cannot create the replication slot 'outboxkit': the user needs the REPLICATION "
            + "attribute")));
    assertThat(analysis.getAction()).startsWith("PostgreSQL or Kafka refused what OutboxKit asked for")
        .doesNotContain("reachable");
  }

  @Test
  void theRelaysStartFailureNamesThePropertiesNotTheBuilderMethods() {
    new ApplicationContextRunner()
        .withConfiguration(AutoConfigurations.of(OutboxRelayAutoConfiguration.class))
        .withPropertyValues("outbox.relay.enabled=true", "outbox.relay.jdbc-url=jdbc:postgresql://127.0.0.1:1/orders",
            "outbox.relay.username=relay", "outbox.relay.bootstrap-servers=127.0.0.1:1")
        .run(context -> {
          FailureAnalysis analysis = analyzer.analyze(context.getStartupFailure());
          assertThat(analysis.getDescription()).contains("cannot reach PostgreSQL", "outbox.relay.jdbc-url")
              .doesNotContain("jdbcUrl(..)", "database(host, port, name)");
        });
  }

  @Test
  void builderMethodsInAMessageBecomeTheirProperties() {
    FailureAnalysis analysis = analyzer.analyze(new IllegalStateException("start failed",
        new OutboxConfigurationException("authentication failed while connecting: check the relay's username and "
            + "password (username(..), password(..)) and the server's pg_hba.conf; or choose another name with "
            + "replicationSlot(..); point schema(..) and table(..) at the outbox table")));
    assertThat(analysis.getDescription())
        .contains("(outbox.relay.username, outbox.relay.password)", "another name with outbox.replication-slot",
            "point outbox.table.schema and outbox.table.name at")
        .doesNotContain("(..)");
  }

  @Test
  void aRelayDurationOutOfRangeIsABindingFailureNamingTheProperty() {
    Binder binder = new Binder(new MapConfigurationPropertySource(Map.of("outbox.relay.heartbeat-interval", "-5s")));
    BindException binding = catchThrowableOfType(BindException.class,
        () -> binder.bind("outbox.relay", OutboxRelayProperties.class));
    assertThat(StartupFailures.messages(binding)).contains("outbox.relay.heartbeat-interval is PT-5S")
        .doesNotContain("heartbeatInterval");
    assertThat(analyzer.analyze(new BeanCreationException("outboxRelay", "binding", binding))).isNull();
  }

  @Test
  void bindingFailuresAreLeftToSpringBoot() {
    Binder binder = new Binder(new MapConfigurationPropertySource(Map.of("outbox.table.name", "outbox-event")));
    BindException binding = catchThrowableOfType(BindException.class,
        () -> binder.bind("outbox", OutboxProperties.class));
    assertThat(StartupFailures.messages(binding)).contains("outbox.table.name has the value 'outbox-event'");
    assertThat(analyzer.analyze(new BeanCreationException("outbox", "binding", binding))).isNull();
  }
}
