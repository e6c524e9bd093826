package io.outboxkit.relay;

import java.time.Instant;
import org.jspecify.annotations.Nullable;

/**
 * A snapshot of a relay's health, for health checks and dashboards.
 *
 * @param state where the relay is in its life cycle
 * @param reason why the relay is {@link RelayState#FAILED FAILED} (what to change) or {@link
 *     RelayState#STALLED STALLED} (what was seen, and the cause when known); why it is {@link
 *     RelayState#STARTING STARTING} again after its engine stopped; or what an {@link RelayState#ACTIVE
 *     ACTIVE} relay is retrying or waiting for (for example an unreachable broker), or what a recovery could
 *     not get back; null when there is nothing to report
 * @param slotLagBytes bytes of WAL the replication slot still holds for the relay ({@code
 *     pg_current_wal_lsn() - confirmed_flush_lsn}), sampled every few seconds; -1 while unknown
 * @param since when the relay entered {@code state}
 */
public record RelayStatus(RelayState state, @Nullable String reason, long slotLagBytes, Instant since) {

  /**
   * True when the relay is streaming, starting or standing by: the state a health check wants. False when
   * it is {@link RelayState#STALLED STALLED}, {@link RelayState#FAILED FAILED}, stopped or not started.
   */
  public boolean healthy() {
    return state == RelayState.ACTIVE || state == RelayState.STANDBY || state == RelayState.STARTING;
  }
}
