package io.outboxkit.inbox;

import io.outboxkit.core.OutboxException;
import java.sql.SQLException;

/**
 * An effect threw a {@link SQLException}; the cause is that exception. The transaction was rolled back (or,
 * in a joined Spring transaction, marked rollback-only), so neither the message id nor the effect committed.
 * Unchecked exceptions thrown by an effect reach the caller as they are, without this wrapper.
 */
public class InboxEffectException extends OutboxException {

  private static final long serialVersionUID = 1L;

  public InboxEffectException(String message, SQLException cause) {
    super(message, cause);
  }
}
