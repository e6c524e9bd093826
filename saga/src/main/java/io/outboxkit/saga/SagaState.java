package io.outboxkit.saga;

/** Where a saga is. RUNNING and COMPENSATING are in progress; the others are final. */
public enum SagaState {
  /** Steps are being executed forward. */
  RUNNING,
  /** A step failed for good (or the saga's deadline passed): completed steps are being compensated. */
  COMPENSATING,
  /** Every step succeeded. */
  COMPLETED,
  /** Every completed step was compensated. */
  COMPENSATED,
  /** A compensation kept failing: the saga waits for an operator (see {@link SagaOrchestrator#retry}). */
  FAILED;

  /** True for COMPLETED, COMPENSATED and FAILED. */
  public boolean isFinal() {
    return this == COMPLETED || this == COMPENSATED || this == FAILED;
  }
}
