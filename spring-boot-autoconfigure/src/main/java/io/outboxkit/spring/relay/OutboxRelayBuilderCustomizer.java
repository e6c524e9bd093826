package io.outboxkit.spring.relay;

import io.outboxkit.relay.OutboxRelay;

/**
 * Adjusts the {@link OutboxRelay.Builder} after the {@code outbox.relay.*} properties were applied and before
 * the relay bean is built: declare beans of this type to set what properties cannot express, for example a
 * password from a secret store. Customizers run in their {@code @Order}.
 */
@FunctionalInterface
public interface OutboxRelayBuilderCustomizer {

  /** Changes the builder in place. */
  void customize(OutboxRelay.Builder builder);
}
