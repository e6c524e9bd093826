package io.outboxkit.writer;

import io.outboxkit.core.WriteMode;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;

/** The SQL of one {@link WriteMode}, run on the caller's connection. */
interface OutboxStatements {

  /** Writes the events (at least one) in the transaction in progress on the connection. */
  void write(Connection connection, List<EncodedEvent> events) throws SQLException;

  /** Where events go, for logs and messages, for example {@code table "public"."outbox_event"}. */
  String target();
}
