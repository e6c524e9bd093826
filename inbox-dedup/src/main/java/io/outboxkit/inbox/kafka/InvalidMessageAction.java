package io.outboxkit.inbox.kafka;

/**
 * What the runner does with a record that can never be processed: no dedup key, a body the key extraction
 * cannot parse, or a handler that threw {@link io.outboxkit.inbox.InvalidMessageException}. Such a record is
 * never retried and never processed without its dedup key.
 */
public enum InvalidMessageAction {

  /** Send it to the dead-letter topic with the reason in its headers, then go on (the default). */
  DEAD_LETTER,

  /** Log it at WARN with topic, partition and offset, count it in the runner's stats, and go on. */
  SKIP
}
