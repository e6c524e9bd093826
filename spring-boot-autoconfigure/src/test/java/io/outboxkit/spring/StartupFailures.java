package io.outboxkit.spring;

import java.util.ArrayList;
import java.util.List;

/** What a user reads when the start fails: the messages of the failure and all its causes. */
public final class StartupFailures {

  private StartupFailures() {
  }

  /** The messages of {@code failure} and its causes, outermost first, one per line. */
  public static String messages(Throwable failure) {
    List<String> messages = new ArrayList<>();
    for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
      messages.add(t.getClass().getSimpleName() + ": " + t.getMessage());
    }
    return String.join("\n", messages);
  }
}
