package io.outboxkit.writer;

import io.outboxkit.core.WalMessageEnvelope;
import io.outboxkit.core.WriteMode;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;

/**
 * {@link WriteMode#WAL_MESSAGE}: one transactional logical message per event. Several events go in one
 * statement that emits a message per element of an array, in the array's order.
 */
final class WalMessageStatements implements OutboxStatements {

  private static final String EMIT_ONE = "SELECT pg_catalog.pg_logical_emit_message(true, ?::text, ?::text)";
  private static final String EMIT_MANY = "SELECT pg_catalog.pg_logical_emit_message(true, ?::text, m.content)"
      + " FROM unnest(?::text[]) WITH ORDINALITY AS m(content, n) ORDER BY m.n";

  private final String prefix;

  WalMessageStatements(String prefix) {
    this.prefix = prefix;
  }

  @Override
  public void write(Connection connection, List<EncodedEvent> events) throws SQLException {
    // microseconds, as PostgreSQL's timestamptz keeps them in the table modes
    Instant createdAt = Instant.now().truncatedTo(ChronoUnit.MICROS);
    if (events.size() == 1) {
      try (PreparedStatement statement = connection.prepareStatement(EMIT_ONE)) {
        statement.setString(1, prefix);
        statement.setString(2, envelope(events.get(0), createdAt));
        statement.execute();
      }
      return;
    }
    String[] contents = new String[events.size()];
    for (int i = 0; i < contents.length; i++) {
      contents[i] = envelope(events.get(i), createdAt);
    }
    try (PreparedStatement statement = connection.prepareStatement(EMIT_MANY)) {
      statement.setString(1, prefix);
      statement.setArray(2, connection.createArrayOf("text", contents));
      statement.execute();
    }
  }

  private static String envelope(EncodedEvent event, Instant createdAt) {
    return new WalMessageEnvelope(event.id(), event.aggregateType(), event.aggregateId(), event.eventType(),
        event.payload(), event.tracingSpanContext(), event.headers(), createdAt).toJson();
  }

  @Override
  public String target() {
    return "WAL messages with prefix '" + prefix + "'";
  }
}
