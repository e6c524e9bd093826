package io.outboxkit.saga;

import io.outboxkit.core.OutboxException;
import io.outboxkit.core.ServerUnavailableException;
import io.outboxkit.core.SqlIdentifier;
import io.outboxkit.core.internal.DatabaseFailures;
import io.outboxkit.core.internal.JdbcTransactions;
import io.outboxkit.core.internal.SqlResources;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import java.util.Objects;
import javax.sql.DataSource;

/**
 * Installs the saga tables from the shipped, versioned scripts: {@value #ORCHESTRATOR_RESOURCE} (saga_instance
 * and saga_step_history, in the orchestrator's database) and {@value #PARTICIPANT_RESOURCE} (saga_barrier, in
 * each participant's database).
 *
 * <p>The scripts are idempotent ({@code CREATE ... IF NOT EXISTS}) and use the placeholder {@code ${schema}}
 * for the schema, which Flyway replaces the same way: with Flyway, use them as migrations with a
 * {@code schema} placeholder instead of this class. Installers of the same tables wait for each other on an
 * advisory lock. The schema must exist. Immutable and thread-safe.
 */
public final class SagaSchema {

  /** The orchestrator's tables, schema version 1. */
  public static final String ORCHESTRATOR_RESOURCE = "io/outboxkit/saga/schema/v1/postgresql-orchestrator.sql";

  /** The participant's barrier table, schema version 1. */
  public static final String PARTICIPANT_RESOURCE = "io/outboxkit/saga/schema/v1/postgresql-participant.sql";

  /** The schema version the scripts create. */
  public static final int VERSION = 1;

  private final String what;
  private final SqlIdentifier schema;
  private final String sql;

  private SagaSchema(String what, String resource, String schema) {
    this.what = what;
    this.schema = SqlIdentifier.of("saga schema", schema);
    this.sql = SqlResources.read(SagaSchema.class, resource, Map.of("schema", this.schema.quoted()));
  }

  /** The orchestrator's tables in {@code schema} (for example {@code public}). */
  public static SagaSchema orchestrator(String schema) {
    return new SagaSchema("the saga orchestrator tables", ORCHESTRATOR_RESOURCE, schema);
  }

  /** The participant's barrier table in {@code schema}. */
  public static SagaSchema participant(String schema) {
    return new SagaSchema("the saga barrier table", PARTICIPANT_RESOURCE, schema);
  }

  /** The script with this installer's schema, as {@link #install} runs it. */
  public String sql() {
    return sql;
  }

  /**
   * Creates the tables and indexes that do not exist, in one transaction.
   *
   * @throws ServerUnavailableException if the database cannot be reached
   * @throws OutboxException if the script fails, naming the schema
   */
  public void install(DataSource dataSource) {
    Objects.requireNonNull(dataSource, "dataSource");
    try (Connection connection = dataSource.getConnection()) {
      JdbcTransactions.run(connection, transaction -> {
        try (PreparedStatement lock = transaction.prepareStatement("SELECT pg_advisory_xact_lock(hashtext(?))")) {
          lock.setString(1, "outboxkit.saga.schema:" + schema.name());
          lock.execute();
        }
        try (Statement statement = transaction.createStatement()) {
          statement.execute(sql);
        }
      });
    } catch (SQLException e) {
      if (DatabaseFailures.isUnavailable(e)) {
        throw new ServerUnavailableException("the database was unavailable while installing " + what + " in schema "
            + schema.name() + ": " + e.getMessage(), e);
      }
      throw new OutboxException("installing " + what + " in schema " + schema.name() + " failed: " + e.getMessage()
          + " (check that the schema exists and that the user may create tables in it)", e);
    }
  }

}
