package io.outboxkit.spring.writer;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * Settings of the {@link io.outboxkit.writer.OutboxWriter} bean, bound from {@code outbox.writer.*}. The
 * table, the mode and the replication names the writer shares with the relay are under {@code outbox.*}
 * ({@link io.outboxkit.spring.OutboxProperties}).
 *
 * @param enabled Whether to create the OutboxWriter bean on the application's DataSource
 * @param maxPayloadSize The largest payload accepted, as UTF-8 JSON; a larger one is rejected when it is
 *     written rather than later by Kafka. Raise it together with the broker's and the relay producer's limits
 * @param allowWritesOutsideTransaction Whether the writer may write when no transaction is in progress (each
 *     call then commits on its own); off by default because an event written outside the business transaction
 *     defeats the outbox
 * @param traceContextPropagation Whether to store the current OpenTelemetry span's W3C trace context with each
 *     event, when opentelemetry-api is on the class path
 * @param initializeSchema Whether to install the outbox table, its publication and the replication slot at
 *     start-up (idempotent); leave off when Flyway or Liquibase installs them
 * @param verifySchema Whether to check once at start-up, after any schema installation, that the outbox table
 *     exists with the columns the writer writes (table modes) or that the replication slot exists (wal-message
 *     mode), stopping the start with the property to set and the SQL to run if not; the database must then be
 *     reachable at start-up. Turn off when the application's database user may not read PostgreSQL's catalog
 */
@ConfigurationProperties("outbox.writer")
public record OutboxWriterProperties(
    @DefaultValue("true") boolean enabled,
    @DefaultValue("1MB") DataSize maxPayloadSize,
    @DefaultValue("false") boolean allowWritesOutsideTransaction,
    @DefaultValue("true") boolean traceContextPropagation,
    @DefaultValue("false") boolean initializeSchema,
    @DefaultValue("true") boolean verifySchema) {
}
