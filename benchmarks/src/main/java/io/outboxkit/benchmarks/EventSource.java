package io.outboxkit.benchmarks;

/** Where the harness writes the events a relay reads. */
enum EventSource {

  /** Rows of the outbox table ({@code public.outbox_event}, the layout of the design). */
  TABLE,

  /** Transactional logical decoding messages ({@code pg_logical_emit_message}), no table. */
  WAL_MESSAGE
}
