package io.outboxkit.core.internal;

import io.outboxkit.core.OutboxConfigurationException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads the SQL scripts that OutboxKit's jars ship (schema and replication scripts) from the class path. */
public final class SqlResources {

  private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{([A-Za-z0-9_]+)}");

  private SqlResources() {
  }

  /**
   * The script's text.
   *
   * @param owner a class of the jar that ships the script; its class loader finds it
   * @param path the script's class path location, with or without a leading {@code /}
   * @throws OutboxConfigurationException if the script is missing or cannot be read: the jar is incomplete
   */
  public static String read(Class<?> owner, String path) {
    String absolute = path.startsWith("/") ? path : "/" + path;
    try (InputStream in = owner.getResourceAsStream(absolute)) {
      if (in == null) {
        throw new OutboxConfigurationException("the SQL script " + absolute.substring(1) + " is missing from the "
            + "class path: the jar of " + owner.getName() + " is incomplete");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new OutboxConfigurationException("the SQL script " + absolute.substring(1) + " cannot be read from "
          + "the jar of " + owner.getName() + ": " + e.getMessage(), e);
    }
  }

  /**
   * The script's text with each {@code ${name}} placeholder replaced by its value, as Flyway replaces them.
   *
   * @param placeholders the values, already quoted for SQL where they are identifiers
   * @throws OutboxConfigurationException if the script is missing or cannot be read, or has a placeholder
   *     without a value
   */
  public static String read(Class<?> owner, String path, Map<String, String> placeholders) {
    String script = read(owner, path);
    Matcher matcher = PLACEHOLDER.matcher(script);
    StringBuilder out = new StringBuilder(script.length() + 64);
    while (matcher.find()) {
      String value = placeholders.get(matcher.group(1));
      if (value == null) {
        throw new OutboxConfigurationException("the SQL script " + (path.startsWith("/") ? path.substring(1) : path)
            + " has the placeholder " + matcher.group() + ", which is given no value: the jar of "
            + owner.getName() + " does not match the scripts on the class path");
      }
      matcher.appendReplacement(out, Matcher.quoteReplacement(value));
    }
    matcher.appendTail(out);
    return out.toString();
  }
}
