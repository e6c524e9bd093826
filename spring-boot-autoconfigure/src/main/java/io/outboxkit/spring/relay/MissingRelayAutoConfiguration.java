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
        + "add the dependency io.outboxkit:outboxkit-outbox-relay (the outboxkit-spring-boot-starter includes it), or remove "
        + "outbox.relay.enabled");
  }
}
