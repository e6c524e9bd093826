package io.outboxkit.benchmarks;

/** Where the harness writes the events a relay reads. */
enum EventSource {

  /** Rows of the outbox table ({@code public.outbox_event}, the layout of the design). */
  TABLE,

  /**
   * Rows of the outbox table, each with a W3C trace context in {@code tracingspancontext} (as the writer
   * stores the span current when it publishes), so that a relay with tracing on makes a span per record.
   */
  TRACED_TABLE,

  /** Transactional logical decoding messages ({@code pg_logical_emit_message}), no table. */
  WAL_MESSAGE
}
