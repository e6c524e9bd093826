package io.outboxkit.relay;

/** The life cycle of an {@link OutboxRelay}. */
public enum RelayState {

  /** Built, {@link OutboxRelay#start()} not called yet. */
  NEW,

  /** Checking the database, connecting and starting the Debezium engine. */
  STARTING,

  /** Streaming: this instance holds the slot and publishes events. */
  ACTIVE,

  /** Another relay instance holds the slot; this one waits to take over. */
  STANDBY,

  /** Stopped by an error it cannot get past on its own; {@link RelayStatus#reason()} says what to change. */
  FAILED,

  /** Closed; {@link OutboxRelay#start()} may start it again. */
  STOPPED
}
