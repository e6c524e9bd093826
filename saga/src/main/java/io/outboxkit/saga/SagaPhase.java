package io.outboxkit.saga;

/** Which operation of a step a command or reply is about. */
public enum SagaPhase {
  /** The step's action. */
  ACTION,
  /** The step's compensation, which undoes the action. */
  COMPENSATION
}
