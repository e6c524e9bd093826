package io.outboxkit.spring;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.outboxkit.spring.relay.OutboxRelayAutoConfiguration;
import org.junit.jupiter.api.Test;
import org.springframework.boot.actuate.autoconfigure.context.properties.ConfigurationPropertiesReportEndpointAutoConfiguration;
import org.springframework.boot.actuate.autoconfigure.env.EnvironmentEndpointAutoConfiguration;
import org.springframework.boot.actuate.context.properties.ConfigurationPropertiesReportEndpoint;
import org.springframework.boot.actuate.env.EnvironmentEndpoint;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/** With the actuator told to show values, OutboxKit's secrets still do not show in configprops or env. */
class OutboxSecretsAutoConfigurationTest {

  private final ApplicationContextRunner runner = new ApplicationContextRunner()
      .withConfiguration(AutoConfigurations.of(OutboxRelayAutoConfiguration.class,
          OutboxSecretsAutoConfiguration.class, ConfigurationPropertiesReportEndpointAutoConfiguration.class,
          EnvironmentEndpointAutoConfiguration.class))
      .withPropertyValues("outbox.relay.enabled=true", "outbox.relay.auto-startup=false",
          "outbox.relay.jdbc-url=jdbc:postgresql://127.0.0.1:1/orders", "outbox.relay.username=relay",
          "outbox.relay.password=pw-in-a-property", "outbox.relay.bootstrap-servers=127.0.0.1:1",
          "outbox.relay.producer-properties[sasl.jaas.config]=jaas-in-a-property",
          "management.endpoints.web.exposure.include=configprops,env",
          "management.endpoint.configprops.show-values=always", "management.endpoint.env.show-values=always");

  @Test
  void theRelaysPasswordAndProducerSecretsAreMaskedWhileOtherValuesShow() {
    runner.run(context -> {
      ObjectMapper json = new ObjectMapper();
      String configprops = json.writeValueAsString(
          context.getBean(ConfigurationPropertiesReportEndpoint.class).configurationProperties());
      String env = json.writeValueAsString(context.getBean(EnvironmentEndpoint.class).environment(null));

      for (String shown : new String[] {configprops, env}) {
        assertThat(shown).doesNotContain("pw-in-a-property").doesNotContain("jaas-in-a-property")
            .contains("jdbc:postgresql://127.0.0.1:1/orders");
      }
    });
  }

  @Test
  void theRuleLooksAtTheLastNameOfAnOutboxProperty() {
    assertThat(OutboxSecretsAutoConfiguration.isSecret("outbox.relay.password")).isTrue();
    assertThat(OutboxSecretsAutoConfiguration.isSecret("outbox.relay.producer-properties[sasl.jaas.config]")).isTrue();
    assertThat(OutboxSecretsAutoConfiguration.isSecret("outbox.relay.username")).isFalse();
    assertThat(OutboxSecretsAutoConfiguration.isSecret("outbox.relay.topic-prefix")).isFalse();
  }
}
