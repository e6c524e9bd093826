package io.outboxkit.core;

import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The versioned SQL set that creates OutboxKit's database objects in PostgreSQL: the outbox table, the
 * relay's tables, the publication and the replication slot. outbox-writer's {@code OutboxSchema} and the
 * relay's preparation run these same scripts; with Flyway or Liquibase, apply them instead, in the order of
 * {@link #V1}, with the {@code ${...}} placeholders below set. Every script is idempotent.
 *
 * <p>The file names follow Flyway's convention ({@code V1_1__...}), so that Flyway applies the set from
 * {@link #LOCATION_V1} as it is (with a history table of its own); the slot script has a Flyway script
 * configuration file beside it that runs it outside a transaction, as PostgreSQL requires.
 */
public final class SchemaScripts {

  /** Class path folder of schema version 1, for Flyway's {@code locations} (with {@code classpath:}). */
  public static final String LOCATION_V1 = "io/outboxkit/core/schema/v1";

  /** The outbox table. Placeholder {@link #OUTBOX_TABLE}. In a transaction. */
  public static final String OUTBOX_TABLE_V1 = LOCATION_V1 + "/V1_1__outboxkit_outbox_table.sql";

  /** The relay's offset, heartbeat and watermark tables. Placeholder {@link #RELAY_SCHEMA}. In a transaction. */
  public static final String RELAY_TABLES_V1 = LOCATION_V1 + "/V1_2__outboxkit_relay_tables.sql";

  /**
   * The publication, with the outbox table and, when it exists, the relay's heartbeat table. Placeholders
   * {@link #PUBLICATION}, {@link #OUTBOX_TABLE} and {@link #RELAY_SCHEMA}. In a transaction.
   */
  public static final String PUBLICATION_V1 = LOCATION_V1 + "/V1_3__outboxkit_publication.sql";

  /**
   * The logical replication slot (plugin pgoutput). Placeholder {@link #SLOT}. Outside a transaction that has
   * written anything.
   */
  public static final String REPLICATION_SLOT_V1 = LOCATION_V1 + "/V1_4__outboxkit_replication_slot.sql";

  /** Schema version 1's scripts in the order they must run. */
  public static final List<String> V1 = List.of(OUTBOX_TABLE_V1, RELAY_TABLES_V1, PUBLICATION_V1, REPLICATION_SLOT_V1);

  /**
   * Placeholder: the outbox table, schema-qualified, quoted where a name needs it ({@code public.outbox_event},
   * {@code "public"."outbox_event"}). Empty only for a relay in WAL-message mode without an outbox table.
   */
  public static final String OUTBOX_TABLE = "outbox_table";

  /** Placeholder: the schema of the relay's tables ({@code public}); by default the outbox table's schema. */
  public static final String RELAY_SCHEMA = "relay_schema";

  /** Placeholder: the publication's name ({@value OutboxReplication#DEFAULT_PUBLICATION} by default). */
  public static final String PUBLICATION = "publication";

  /** Placeholder: the replication slot's name ({@value OutboxReplication#DEFAULT_SLOT} by default). */
  public static final String SLOT = "slot";

  private SchemaScripts() {
  }

  /**
   * The placeholder values for these names, quoted for SQL, as the installers substitute them (and as Flyway's
   * {@code placeholders} or Liquibase's changelog properties may be given them).
   *
   * @param outboxTable the outbox table; null for a relay in WAL-message mode without one
   */
  public static Map<String, String> placeholders(@Nullable TableName outboxTable, SqlIdentifier relaySchema,
      String publication, String slot) {
    return Map.of(
        OUTBOX_TABLE, outboxTable == null ? "" : outboxTable.qualified(),
        RELAY_SCHEMA, relaySchema.quoted(),
        PUBLICATION, OutboxReplication.requireName("publication", publication),
        SLOT, OutboxReplication.requireName("replication slot", slot));
  }
}
