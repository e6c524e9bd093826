package io.outboxkit.core;

/**
 * A validated, schema-qualified table name.
 *
 * <p>Immutable and thread-safe.
 *
 * @param schema the schema, for example {@code public}
 * @param table the table, for example {@code outbox_event}
 */
public record TableName(SqlIdentifier schema, SqlIdentifier table) {

  /** The schema OutboxKit uses when none is configured. */
  public static final String DEFAULT_SCHEMA = "public";

  /** The outbox table's default name. */
  public static final String DEFAULT_OUTBOX_TABLE = "outbox_event";

  /** The inbox table's default name. */
  public static final String DEFAULT_INBOX_TABLE = "inbox_message";

  public TableName {
    if (schema == null || table == null) {
      throw new OutboxConfigurationException("a table name needs both a schema and a table");
    }
  }

  /**
   * Validates both parts.
   *
   * @param schemaSetting the setting the schema came from, named in error messages
   * @param schema the schema name
   * @param tableSetting the setting the table came from, named in error messages
   * @param table the table name
   */
  public static TableName of(String schemaSetting, String schema, String tableSetting, String table) {
    return new TableName(SqlIdentifier.of(schemaSetting, schema), SqlIdentifier.of(tableSetting, table));
  }

  /** {@code "schema"."table"}, ready for SQL. */
  public String qualified() {
    return schema.quoted() + '.' + table.quoted();
  }

  /** {@code schema.table} without quotes, as Debezium's include lists and logs name tables. */
  public String plain() {
    return schema.name() + '.' + table.name();
  }

  @Override
  public String toString() {
    return plain();
  }
}
