package io.outboxkit.core.internal;

import io.outboxkit.core.ServerUnavailableException;
import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientConnectionException;
import org.jspecify.annotations.Nullable;

/**
 * Tells an unreachable or lost database apart from a failure of the statement, the same way in the writer,
 * the relay and the inbox: the cases they report as {@link ServerUnavailableException}.
 */
public final class DatabaseFailures {

  private DatabaseFailures() {
  }

  /** True when {@code failure} or one of its causes says that the database cannot be used for now. */
  public static boolean isUnavailable(Throwable failure) {
    int depth = 0;
    for (Throwable t = failure; t != null && depth < 16; t = t.getCause(), depth++) {
      if (t instanceof ServerUnavailableException
          || t instanceof SQLTransientConnectionException
          || t instanceof SQLNonTransientConnectionException
          || t instanceof SQLRecoverableException) {
        return true;
      }
      if (t instanceof SQLException sql && isUnavailableState(sql.getSQLState())) {
        return true;
      }
    }
    return false;
  }

  /**
   * Class 08 (connection exception), class 53 (insufficient resources: too many connections, disk full, out
   * of memory), and the server shutting down or starting up (57P01, 57P02, 57P03).
   */
  public static boolean isUnavailableState(@Nullable String state) {
    if (state == null || state.length() != 5) {
      return false;
    }
    return state.startsWith("08") || state.startsWith("53")
        || state.equals("57P01") || state.equals("57P02") || state.equals("57P03");
  }
}
