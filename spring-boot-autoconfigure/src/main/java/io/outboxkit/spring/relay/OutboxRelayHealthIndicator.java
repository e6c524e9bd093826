package io.outboxkit.spring.relay;

import io.outboxkit.relay.OutboxRelay;
import io.outboxkit.relay.RelayStatus;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

/**
 * The relay's health: {@code UP} while it streams ({@code state: ACTIVE}), stands by for another instance
 * ({@code state: STANDBY}) or is starting; {@code DOWN} with the reason when it failed; {@code OUT_OF_SERVICE}
 * once closed; {@code UNKNOWN} before it was started. Details: the state, since when, the reason when there is
 * one (also while active, for example an unreachable broker), and the slot lag in bytes once sampled.
 */
final class OutboxRelayHealthIndicator implements HealthIndicator {

  private final OutboxRelay relay;

  OutboxRelayHealthIndicator(OutboxRelay relay) {
    this.relay = relay;
  }

  @Override
  public Health health() {
    RelayStatus status = relay.status();
    Health.Builder health = switch (status.state()) {
      case ACTIVE, STANDBY, STARTING -> Health.up();
      case FAILED, STALLED -> Health.down();
      case STOPPED -> Health.outOfService();
      case NEW -> Health.unknown();
    };
    health.withDetail("state", status.state().name()).withDetail("since", status.since().toString());
    if (status.reason() != null) {
      health.withDetail("reason", status.reason());
    }
    if (status.slotLagBytes() >= 0) {
      health.withDetail("slotLagBytes", status.slotLagBytes());
    }
    return health.build();
  }
}
