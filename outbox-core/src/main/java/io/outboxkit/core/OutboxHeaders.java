package io.outboxkit.core;

/**
 * Names of the Kafka headers the relay writes on every record. Values are plain UTF-8 strings.
 */
public final class OutboxHeaders {

  /** The event id: the outbox row's uuid as 36 lower-case characters. The inbox's default dedup key. */
  public static final String ID = "id";

  /** The event type given to the writer. */
  public static final String EVENT_TYPE = "eventType";

  /** W3C trace context of the writer's span, when it had one. */
  public static final String TRACEPARENT = "traceparent";

  /** W3C trace state accompanying {@link #TRACEPARENT}, when present. */
  public static final String TRACESTATE = "tracestate";

  private OutboxHeaders() {
  }
}
