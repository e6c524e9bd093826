package io.outboxkit.writer;

import io.outboxkit.test.TestDatabase;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * A logical replication slot read without consuming it, to see what the write-ahead log carries for the
 * relay: with the test_decoding plugin (text), or the installer's pgoutput slot (binary protocol).
 */
final class LogicalSlot {

  record Message(String prefix, boolean transactional, byte[] content) {
    String text() {
      return new String(content, StandardCharsets.UTF_8);
    }
  }

  private final TestDatabase database;
  private final String name;

  private LogicalSlot(TestDatabase database, String name) {
    this.database = database;
    this.name = name;
  }

  /** Creates a test_decoding slot; events written from now on show up in {@link #testDecodingChanges()}. */
  static LogicalSlot testDecoding(TestDatabase database) throws SQLException {
    String name = "td_" + database.name();
    try (Connection connection = database.openConnection();
         PreparedStatement statement = connection.prepareStatement(
             "SELECT pg_create_logical_replication_slot(?, 'test_decoding')")) {
      statement.setString(1, name);
      statement.execute();
    }
    return new LogicalSlot(database, name);
  }

  /** An existing pgoutput slot, for example the installer's. */
  static LogicalSlot existing(TestDatabase database, String name) {
    return new LogicalSlot(database, name);
  }

  /** test_decoding's lines (BEGIN, table ..., message: ..., COMMIT), without consuming them. */
  List<String> testDecodingChanges() throws SQLException {
    List<String> changes = new ArrayList<>();
    try (Connection connection = database.openConnection();
         PreparedStatement statement = connection.prepareStatement(
             "SELECT data FROM pg_logical_slot_peek_changes(?, NULL, NULL)")) {
      statement.setString(1, name);
      try (ResultSet rows = statement.executeQuery()) {
        while (rows.next()) {
          changes.add(rows.getString(1));
        }
      }
    }
    return changes;
  }

  /** The content of the logical messages with this prefix, in WAL order, as test_decoding shows them. */
  List<String> testDecodingMessages(String prefix) throws SQLException {
    List<String> contents = new ArrayList<>();
    String start = "message: transactional: 1 prefix: " + prefix + ", sz: ";
    for (String change : testDecodingChanges()) {
      if (change.startsWith(start)) {
        contents.add(change.substring(change.indexOf(" content:") + " content:".length()));
      }
    }
    return contents;
  }

  /**
   * The pgoutput messages of this slot for the publication, without consuming them: the one-letter message
   * types in order (B, R, I, M, C ...), and the logical messages themselves.
   */
  PgOutput peekPgOutput(String publication) throws SQLException {
    PgOutput out = new PgOutput(new ArrayList<>(), new ArrayList<>());
    try (Connection connection = database.openConnection();
         PreparedStatement statement = connection.prepareStatement(
             "SELECT data FROM pg_logical_slot_peek_binary_changes(?, NULL, NULL, 'proto_version', '1',"
                 + " 'publication_names', ?, 'messages', 'true')")) {
      statement.setString(1, name);
      statement.setString(2, publication);
      try (ResultSet rows = statement.executeQuery()) {
        while (rows.next()) {
          ByteBuffer data = ByteBuffer.wrap(rows.getBytes(1));
          char type = (char) data.get();
          out.types().add(type);
          if (type == 'M') {
            boolean transactional = data.get() == 1;
            data.getLong(); // LSN of the message
            StringBuilder prefix = new StringBuilder();
            for (byte b = data.get(); b != 0; b = data.get()) {
              prefix.append((char) b);
            }
            byte[] content = new byte[data.getInt()];
            data.get(content);
            out.messages().add(new Message(prefix.toString(), transactional, content));
          }
        }
      }
    }
    return out;
  }

  record PgOutput(List<Character> types, List<Message> messages) {
    long inserts() {
      return types.stream().filter(t -> t == 'I').count();
    }

    long deletes() {
      return types.stream().filter(t -> t == 'D').count();
    }
  }
}
