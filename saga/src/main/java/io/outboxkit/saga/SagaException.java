package io.outboxkit.saga;

import io.outboxkit.core.OutboxException;
import org.jspecify.annotations.Nullable;

/** A saga could not be started or moved: bad data, an unknown saga type, or a stored row that cannot be read. */
public class SagaException extends OutboxException {

  private static final long serialVersionUID = 1L;

  public SagaException(String message) {
    super(message);
  }

  public SagaException(String message, @Nullable Throwable cause) {
    super(message, cause);
  }
}
