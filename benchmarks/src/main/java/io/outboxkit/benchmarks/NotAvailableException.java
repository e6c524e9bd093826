package io.outboxkit.benchmarks;

/**
 * A measured system is not part of this build yet (for example an OutboxKit module whose API the harness
 * cannot call yet). The results say so instead of a figure.
 */
final class NotAvailableException extends BenchmarkException {

  private static final long serialVersionUID = 1L;

  NotAvailableException(String message) {
    super(message);
  }
}
