package io.outboxkit.core;

import org.jspecify.annotations.Nullable;

/**
 * An event cannot be written as given: a required field is missing, a value is too long for its column,
 * the payload cannot be serialized or is larger than the configured limit. The message names the field.
 */
public class InvalidEventException extends OutboxException {

  private static final long serialVersionUID = 1L;

  public InvalidEventException(String message) {
    super(message);
  }

  public InvalidEventException(String message, @Nullable Throwable cause) {
    super(message, cause);
  }
}
