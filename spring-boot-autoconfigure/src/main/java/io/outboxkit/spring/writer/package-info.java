/**
 * Auto-configuration of the {@link io.outboxkit.writer.OutboxWriter} on the application's DataSource, its
 * {@code outbox.writer.*} properties and the optional installation of the outbox schema.
 */
@NullMarked
package io.outboxkit.spring.writer;

import org.jspecify.annotations.NullMarked;
