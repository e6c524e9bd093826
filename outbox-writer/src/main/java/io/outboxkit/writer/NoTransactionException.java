package io.outboxkit.writer;

import io.outboxkit.core.OutboxException;

/**
 * The writer was called with no transaction in progress while one is required: an event written outside the
 * business transaction could be published for a change that never commits, or be lost for one that does.
 * The message says why no transaction was found and the ways to fix it.
 */
public class NoTransactionException extends OutboxException {

  private static final long serialVersionUID = 1L;

  public NoTransactionException(String message) {
    super(message);
  }
}
