package io.outboxkit.relay;

import org.jspecify.annotations.Nullable;

/** Turns the Debezium engine's failure reports into reasons that say what to change. */
final class EngineFailures {

  private EngineFailures() {
  }

  static String explain(RelaySettings settings, @Nullable String message, @Nullable Throwable error) {
    String root = rootMessage(error);
    String all = (message == null ? "" : message) + " " + root;
    String database = "database " + settings.database() + " at " + settings.host() + ":" + settings.port();
    if (all.contains("is active for PID")) {
      return "replication slot " + settings.slotName() + " in " + database + " is in use by another process ("
          + root + "): another relay without high availability, or a Debezium connector, streams from it; stop "
          + "it, or give this relay a slot of its own with slotName(..)";
    }
    if (all.contains("password authentication failed") || all.contains("authentication failed")) {
      return "authentication failed for database user '" + settings.username() + "' on " + database
          + ": check username(..) and password(..) (" + root + ")";
    }
    if (all.contains("must be superuser or replication role") || all.contains("permission denied to start WAL")) {
      return "database user '" + settings.username() + "' may not use logical replication on " + database
          + ": ALTER ROLE \"" + settings.username() + "\" REPLICATION, or set username(..) to a user that has it ("
          + root + ")";
    }
    if (all.contains("Publication autocreation is disabled")) {
      return "publication " + settings.publicationName() + " does not exist in " + database + " and could not be "
          + "created (see the warning before): create it as the relay's user could not, with the relay's "
          + "replication SQL (" + RelayDatabase.REPLICATION_RESOURCE.substring(1) + ") or outbox-writer's "
          + "OutboxSchema, or give username(..) the right to (owner of the tables)";
    }
    return (message == null || message.isBlank() ? "the Debezium engine stopped" : message)
        + (root.isEmpty() ? "" : ": " + root);
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
