/**
 * Auto-configuration of the {@link io.outboxkit.writer.OutboxWriter} on the application's DataSource, its
 * {@code outbox.writer.*} properties, the optional installation of the outbox schema and the start-up check
 * that the outbox table or replication slot exists.
 */
@NullMarked
package io.outboxkit.spring.writer;

import org.jspecify.annotations.NullMarked;
