package io.outboxkit.benchmarks;

import io.outboxkit.core.OutboxException;

/** A measurement could not be made; the message says which and why. */
class BenchmarkException extends OutboxException {

  private static final long serialVersionUID = 1L;

  BenchmarkException(String message) {
    super(message);
  }

  BenchmarkException(String message, Throwable cause) {
    super(message, cause);
  }
}
