package io.outboxkit.spring.relay;

import io.outboxkit.core.OutboxConfigurationException;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingClass;
import org.springframework.context.annotation.Bean;

/**
 * Fails the start when {@code outbox.relay.enabled=true} but the relay library is missing, instead of silently
 * running without a relay.
 */
@AutoConfiguration
@ConditionalOnMissingClass("io.outboxkit.relay.OutboxRelay")
@ConditionalOnBooleanProperty("outbox.relay.enabled")
public class MissingRelayAutoConfiguration {

  @Bean
  Object outboxRelayLibraryCheck() {
    throw new OutboxConfigurationException("outbox.relay.enabled is true, but the relay is not on the class path: "
        + "depend on io.outboxkit:outboxkit-spring-boot-starter-relay instead of outboxkit-spring-boot-starter (or "
        + "add io.outboxkit:outboxkit-outbox-relay), or remove outbox.relay.enabled");
  }
}
