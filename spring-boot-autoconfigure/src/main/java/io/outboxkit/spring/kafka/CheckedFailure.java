package io.outboxkit.spring.kafka;

/** Carries a checked exception of the listener through the inbox's callback, which only throws unchecked. */
final class CheckedFailure extends RuntimeException {

  private static final long serialVersionUID = 1L;

  CheckedFailure(Throwable cause) {
    super(cause.getMessage(), cause, false, false);
  }

  /** The listener's own exception: the checked one this carries, or {@code e} itself. */
  static Throwable unwrap(Throwable e) {
    return e instanceof CheckedFailure checked ? checked.getCause() : e;
  }
}
