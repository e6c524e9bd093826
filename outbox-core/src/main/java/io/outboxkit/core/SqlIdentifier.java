package io.outboxkit.core;

import java.nio.charset.StandardCharsets;
import java.util.regex.Pattern;

/**
 * A PostgreSQL identifier (schema, table, publication or column name) that was validated before it is put
 * into SQL. Only letters, digits and underscores are accepted, starting with a letter or an underscore, at
 * most 63 bytes: configuration can never carry SQL into a statement. The identifier is always used quoted,
 * so its case is kept as written.
 *
 * <p>Immutable and thread-safe.
 */
public final class SqlIdentifier {

  private static final Pattern VALID = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
  private static final int MAX_BYTES = 63;

  private final String name;

  private SqlIdentifier(String name) {
    this.name = name;
  }

  /**
   * Validates {@code value} as the identifier named by {@code setting}.
   *
   * @param setting the setting the value came from, named in the error message (for example
   *     {@code "outbox.table"})
   * @throws OutboxConfigurationException if the value is null, empty, too long or has other characters
   *     than letters, digits and underscores
   */
  public static SqlIdentifier of(String setting, String value) {
    if (value == null || value.isEmpty()) {
      throw new OutboxConfigurationException(
          setting + " must be set to a PostgreSQL identifier (letters, digits and underscores)");
    }
    if (!VALID.matcher(value).matches()) {
      throw new OutboxConfigurationException(
          setting + " has the value '" + printable(value) + "', which is not accepted as an identifier: use "
              + "only letters, digits and underscores, starting with a letter or an underscore");
    }
    if (value.getBytes(StandardCharsets.UTF_8).length > MAX_BYTES) {
      throw new OutboxConfigurationException(
          setting + " has the value '" + value + "', longer than PostgreSQL's limit of " + MAX_BYTES
              + " bytes for identifiers: choose a shorter name");
    }
    return new SqlIdentifier(value);
  }

  /** The identifier as written. */
  public String name() {
    return name;
  }

  /** The identifier in double quotes, ready for SQL. */
  public String quoted() {
    return '"' + name + '"';
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof SqlIdentifier that && name.equals(that.name);
  }

  @Override
  public int hashCode() {
    return name.hashCode();
  }

  @Override
  public String toString() {
    return name;
  }

  private static String printable(String value) {
    StringBuilder out = new StringBuilder();
    value.codePoints().limit(80).forEach(cp -> {
      if (Character.isISOControl(cp)) {
        out.append(String.format("\\u%04x", cp));
      } else {
        out.appendCodePoint(cp);
      }
    });
    if (value.length() > 80) {
      out.append("...");
    }
    return out.toString();
  }
}
