package io.outboxkit.core;

import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Default names shared by the schema installer (which creates the publication and the replication slot)
 * and the relay (which streams from them), the rule both apply to those names, and the prefix of OutboxKit's
 * logical WAL messages.
 */
public final class OutboxReplication {

  /** The publication that holds the outbox table, read by the relay through pgoutput. */
  public static final String DEFAULT_PUBLICATION = "outboxkit";

  /** The logical replication slot the relay streams from. */
  public static final String DEFAULT_SLOT = "outboxkit";

  /** The logical decoding plugin of the slot: PostgreSQL's built-in {@code pgoutput}. */
  public static final String PLUGIN = "pgoutput";

  /** The prefix of the logical messages written in the writer's WAL-message mode. */
  public static final String DEFAULT_WAL_MESSAGE_PREFIX = "outboxkit";

  private static final Pattern NAME = Pattern.compile("[a-z0-9_]{1,63}");

  private OutboxReplication() {
  }

  /**
   * Checks a publication or replication slot name: 1-63 lower-case letters, digits and underscores.
   * PostgreSQL demands that of slot names; the relay demands it of publication names too, so the schema
   * installer refuses the same names rather than create a publication no relay accepts.
   *
   * @param setting the setting the value came from, named in the error message (for example
   *     {@code "outbox.publication"})
   * @param value the name
   * @return {@code value}
   * @throws OutboxConfigurationException if the value is null or breaks the rule
   */
  public static String requireName(String setting, @Nullable String value) {
    if (value == null || !NAME.matcher(value).matches()) {
      throw new OutboxConfigurationException(setting + " '" + value
          + "' is not accepted: use 1-63 lower-case letters, digits and underscores");
    }
    return value;
  }
}
