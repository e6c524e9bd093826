package io.outboxkit.relay;

import java.sql.SQLException;
import org.jspecify.annotations.Nullable;

/**
 * Turns the Debezium engine's failure reports into reasons that say what to change. PostgreSQL's failures
 * are told apart by the SQLState of the {@link SQLException} in the cause chain, never by message text.
 * Debezium's own failures carry no code (a missing publication, for example, is a plain {@code
 * ConnectException}): they are reported as Debezium words them. The publication in particular is checked in
 * the catalog before every engine start ({@link PublicationCheck}), which then says how to repair it.
 */
final class EngineFailures {

  private EngineFailures() {
  }

  /** The reason for the engine's failure, as the relay shows it ({@link RelaySettings#say}). */
  static String explain(RelaySettings settings, @Nullable String message, @Nullable Throwable error) {
    return settings.say(reason(settings, message, error));
  }

  private static String reason(RelaySettings settings, @Nullable String message, @Nullable Throwable error) {
    String root = rootMessage(error);
    String database = "database " + settings.database() + " at " + settings.host() + ":" + settings.port();
    String state = sqlState(error);
    switch (state == null ? "" : state) {
      case "55006": // object_in_use: the slot is active for another process
        return "replication slot " + settings.replicationSlot() + " in " + database + " is in use by another process ("
            + root + "): another relay without high availability, or a Debezium connector, streams from it; stop "
            + "it, or give this relay a slot of its own with replicationSlot(..)";
      case "28P01", "28000": // invalid_password, invalid_authorization_specification
        return "authentication failed for database user '" + settings.username() + "' on " + database
            + ": check username(..) and password(..) (" + root + ")";
      case "42501": // insufficient_privilege
        return "database user '" + settings.username() + "' may not use logical replication on " + database
            + ": ALTER ROLE \"" + settings.username() + "\" REPLICATION, or set username(..) to a user that has it ("
            + root + ")";
      default:
        break;
    }
    return (message == null || message.isBlank() ? "the Debezium engine stopped" : message)
        + (root.isEmpty() ? "" : ": " + root);
  }

  /** The SQLState of the first {@link SQLException} in the cause chain; null if there is none. */
  static @Nullable String sqlState(@Nullable Throwable error) {
    for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof SQLException sql && sql.getSQLState() != null) {
        return sql.getSQLState();
      }
    }
    return null;
  }

  private static String rootMessage(@Nullable Throwable error) {
    if (error == null) {
      return "";
    }
    Throwable root = error;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    return root.getClass().getSimpleName() + ": " + root.getMessage();
  }
}
