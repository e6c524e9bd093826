package io.outboxkit.spring.relay;

import io.outboxkit.relay.OutboxRelay;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;

/**
 * The relay's health indicator, named {@code outboxRelay} in the health endpoint: {@code UP} while active,
 * standing by or starting (see the {@code state} detail), {@code DOWN} with the reason when failed, with the
 * replication slot's lag in bytes. Active with spring-boot-health on the class path and an {@link OutboxRelay}
 * bean; {@code management.health.outbox-relay.enabled=false} turns it off.
 */
@AutoConfiguration(after = OutboxRelayAutoConfiguration.class)
@ConditionalOnClass({HealthIndicator.class, OutboxRelay.class})
@ConditionalOnBean(OutboxRelay.class)
@ConditionalOnEnabledHealthIndicator("outbox-relay")
public class OutboxRelayHealthAutoConfiguration {

  @Bean
  @ConditionalOnMissingBean(name = "outboxRelayHealthIndicator")
  HealthIndicator outboxRelayHealthIndicator(OutboxRelay outboxRelay) {
    return new OutboxRelayHealthIndicator(outboxRelay);
  }
}
