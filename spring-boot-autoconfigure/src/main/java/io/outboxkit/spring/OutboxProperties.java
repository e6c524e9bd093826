package io.outboxkit.spring;

import io.outboxkit.core.OutboxReplication;
import io.outboxkit.core.TableName;
import io.outboxkit.core.WriteMode;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The outbox itself, as the writer and the relay must both see it: where events are written and which
 * publication and replication slot carry them out of PostgreSQL. Bound from {@code outbox.*}; the writer's
 * own settings are under {@code outbox.writer.*}, the relay's under {@code outbox.relay.*}.
 *
 * <p>Immutable; validated when bound (an invalid name fails the start with the property named).
 *
 * @param table The outbox table that the writer inserts into and the relay streams from
 * @param mode How events are recorded: table (a row per event, queryable, compatible with Debezium's
 *     Outbox Event Router), table-delete-after-insert (the row is deleted in the same transaction, the
 *     table stays empty) or wal-message (a logical WAL message per event, the fastest, no row at all);
 *     the writer writes this way and the relay reads this way ({@link WriteMode})
 * @param walMessagePrefix The prefix of the logical WAL messages in the wal-message mode; letters,
 *     digits, '_', '.' and '-'
 * @param publication The PostgreSQL publication that holds the outbox table, created by the schema
 *     initialization and by the relay; lower-case letters, digits and underscores
 * @param replicationSlot The logical replication slot the relay streams from, created by the schema
 *     initialization and by the relay; lower-case letters, digits and underscores. Relays sharing a slot
 *     elect one active instance
 */
@ConfigurationProperties("outbox")
public record OutboxProperties(
    @DefaultValue Table table,
    @DefaultValue("table") WriteMode mode,
    @DefaultValue(OutboxReplication.DEFAULT_WAL_MESSAGE_PREFIX) String walMessagePrefix,
    @DefaultValue(OutboxReplication.DEFAULT_PUBLICATION) String publication,
    @DefaultValue(OutboxReplication.DEFAULT_SLOT) String replicationSlot) {

  /**
   * The outbox table.
   *
   * @param schema The schema of the outbox table; it must exist. Letters, digits and underscores
   * @param name The name of the outbox table. Letters, digits and underscores
   */
  public record Table(@DefaultValue(TableName.DEFAULT_SCHEMA) String schema,
      @DefaultValue(TableName.DEFAULT_OUTBOX_TABLE) String name) {

    /** Validates both names; the error names the property. */
    public Table {
      TableName.of("outbox.table.schema", schema, "outbox.table.name", name);
    }

    /** The validated, schema-qualified table name. */
    public TableName tableName() {
      return TableName.of("outbox.table.schema", schema, "outbox.table.name", name);
    }
  }
}
