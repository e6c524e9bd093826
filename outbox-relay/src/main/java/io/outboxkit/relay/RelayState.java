package io.outboxkit.relay;

/** The life cycle of an {@link OutboxRelay}. */
public enum RelayState {

  /** Built, {@link OutboxRelay#start()} not called yet. */
  NEW,

  /** Checking the database, connecting and starting the Debezium engine. */
  STARTING,

  /** Streaming: this instance holds the slot and publishes events. */
  ACTIVE,

  /**
   * Leader with a running engine, but events do not flow: a heartbeat written to the database has not come
   * back through the stream within the stall timeout while no batch was acknowledged, or the brokers do not
   * answer; or its engine failed three times in a row and waits to be started again. {@link
   * RelayStatus#reason()} says what was seen and the cause when known; the relay goes back to {@code ACTIVE}
   * by itself once heartbeats come back and the brokers answer, or an engine runs.
   */
  STALLED,

  /** Another relay instance holds the slot; this one waits to take over. */
  STANDBY,

  /**
   * Stopped by an error it cannot get past on its own; {@link RelayStatus#reason()} says what to change. When
   * the cause is the publication (dropped, or a table of the relay's left it), the relay keeps checking and
   * goes on by itself once it is repaired, after reading the events the stream missed from the outbox table.
   */
  FAILED,

  /** Closed; {@link OutboxRelay#start()} may start it again. */
  STOPPED
}
