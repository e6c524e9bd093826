package io.outboxkit.core;

import org.jspecify.annotations.Nullable;

/**
 * Root of every exception OutboxKit throws. Unchecked; subtypes name the failures a caller may want to
 * handle on their own.
 */
public class OutboxException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  public OutboxException(String message) {
    super(message);
  }

  public OutboxException(String message, @Nullable Throwable cause) {
    super(message, cause);
  }
}
