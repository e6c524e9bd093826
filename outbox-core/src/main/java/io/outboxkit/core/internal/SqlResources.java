package io.outboxkit.core.internal;

import io.outboxkit.core.OutboxConfigurationException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/** Reads the SQL scripts that OutboxKit's jars ship (schema and replication scripts) from the class path. */
public final class SqlResources {

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
}
