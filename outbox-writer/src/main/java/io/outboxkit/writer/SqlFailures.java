package io.outboxkit.writer;

import io.outboxkit.core.InvalidEventException;
import io.outboxkit.core.OutboxConfigurationException;
import io.outboxkit.core.OutboxException;
import io.outboxkit.core.SchemaScripts;
import io.outboxkit.core.ServerUnavailableException;
import io.outboxkit.core.TableName;
import io.outboxkit.core.WriteMode;
import io.outboxkit.core.internal.DatabaseFailures;
import java.sql.BatchUpdateException;
import java.sql.SQLException;

/**
 * Turns what PostgreSQL reports into messages that say what to do, and into the exception type a caller may
 * handle: {@link InvalidEventException}, {@link OutboxConfigurationException}, {@link ServerUnavailableException}
 * (the database cannot be reached or the connection broke), else {@link OutboxException}.
 */
final class SqlFailures {

  private final TableName table;
  private final WriteMode mode;

  SqlFailures(TableName table, WriteMode mode) {
    this.table = table;
    this.mode = mode;
  }

  OutboxException translate(SQLException failure, int count) {
    SQLException cause = failure;
    if (failure instanceof BatchUpdateException && failure.getNextException() != null) {
      cause = failure.getNextException();
    }
    String state = cause.getSQLState() == null ? "" : cause.getSQLState();
    String reported = cause.getMessage() + " (SQLState " + state + ")";
    String rollBack = "; nothing of this call was written, roll the transaction back";
    if (DatabaseFailures.isUnavailable(cause) || DatabaseFailures.isUnavailable(failure)) {
      return new ServerUnavailableException("the database could not be used while writing " + count
          + (count == 1 ? " event" : " events") + " to the outbox: " + reported + "; nothing of this call was"
          + " written and the transaction cannot commit: run it again once the database is reachable", failure);
    }
    return switch (state) {
      // invalid_text_representation, untranslatable_character, character_not_in_repertoire
      case "22P02", "22P05", "22021" -> new InvalidEventException("PostgreSQL rejected the payload or the headers"
          + " as jsonb: " + reported + rollBack, failure);
      case "22001" -> new InvalidEventException("a value is too long for its column: " + reported + rollBack, failure);
      case "42P01" -> new OutboxConfigurationException("the outbox table " + table.qualified() + " does not exist:"
          + " install the schema (OutboxSchema, or the SQL set " + SchemaScripts.LOCATION_V1 + " with your"
          + " migration tool), or configure the right schema and table" + rollBack + " [" + reported + "]", failure);
      case "3F000" -> new OutboxConfigurationException("the schema " + table.schema().quoted() + " does not exist:"
          + " configure the outbox table's schema" + rollBack + " [" + reported + "]", failure);
      case "42501" -> new OutboxConfigurationException("the database user may not write the outbox: grant "
          + (mode == WriteMode.WAL_MESSAGE ? "EXECUTE on pg_logical_emit_message (or use a table mode)"
              : "INSERT" + (mode == WriteMode.TABLE_DELETE_AFTER_INSERT ? " and DELETE" : "") + " on "
              + table.qualified()) + rollBack + " [" + reported + "]", failure);
      case "25P02" -> new OutboxException("the transaction was already aborted by an earlier statement, so the"
          + " outbox write was refused: roll the transaction back [" + reported + "]", failure);
      default -> new OutboxException("writing " + count + (count == 1 ? " event" : " events") + " to the outbox"
          + " failed: " + reported + rollBack, failure);
    };
  }
}
