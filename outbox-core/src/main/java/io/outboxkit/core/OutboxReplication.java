package io.outboxkit.core;

/**
 * Default names shared by the schema installer (which creates the publication and the replication slot)
 * and the relay (which streams from them), and the prefix of OutboxKit's logical WAL messages.
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

  private OutboxReplication() {
  }
}
