package io.outboxkit.core;

import org.jspecify.annotations.Nullable;

/**
 * A setting is missing or has a value OutboxKit cannot use. The message names the setting, the value and
 * what to do instead.
 */
public class OutboxConfigurationException extends OutboxException {

  private static final long serialVersionUID = 1L;

  public OutboxConfigurationException(String message) {
    super(message);
  }

  public OutboxConfigurationException(String message, @Nullable Throwable cause) {
    super(message, cause);
  }
}
