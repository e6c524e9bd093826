package io.outboxkit.saga;

import io.outboxkit.core.OutboxConfigurationException;
import org.jspecify.annotations.Nullable;

/**
 * What a participant's handler answers to a command: success (with optional data for the orchestrator) or a
 * business failure with a reason. A failure rolls back whatever the handler wrote; a handler that throws
 * does the same and the reply is an ERROR with the exception as reason.
 */
public final class Reply {

  private static final Reply EMPTY_SUCCESS = new Reply(true, null, null);

  private final boolean success;
  private final @Nullable Object data;
  private final @Nullable String reason;

  private Reply(boolean success, @Nullable Object data, @Nullable String reason) {
    this.success = success;
    this.data = data;
    this.reason = reason;
  }

  /** Success without data. */
  public static Reply success() {
    return EMPTY_SUCCESS;
  }

  /** Success with data, sent to the orchestrator as the reply's JSON body. */
  public static Reply success(@Nullable Object data) {
    return data == null ? EMPTY_SUCCESS : new Reply(true, data, null);
  }

  /**
   * A business failure: the participant refuses (for example {@code OUT_OF_STOCK}). What the handler wrote is
   * rolled back. The orchestrator compensates, unless the step lists this reason as transient.
   */
  public static Reply failure(String reason) {
    if (reason == null || reason.isBlank()) {
      throw new OutboxConfigurationException("Reply.failure needs a reason, for example OUT_OF_STOCK");
    }
    return new Reply(false, null, reason);
  }

  public boolean isSuccess() {
    return success;
  }

  /** The success data, or null. */
  public @Nullable Object data() {
    return data;
  }

  /** The failure reason, or null for a success. */
  public @Nullable String reason() {
    return reason;
  }

  @Override
  public String toString() {
    return success ? "success" : "failure(" + reason + ")";
  }
}
