package io.outboxkit.inbox;

/** What the inbox did with one message. */
public enum InboxOutcome {

  /** The message id was new for this consumer: it was recorded and the effect ran in the same transaction. */
  PROCESSED,

  /** The message id was already recorded for this consumer: the effect did not run. */
  DUPLICATE
}
