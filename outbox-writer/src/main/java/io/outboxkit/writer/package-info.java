/**
 * Writes outbox events in the caller's database transaction ({@link io.outboxkit.writer.OutboxWriter}) and
 * installs the outbox schema ({@link io.outboxkit.writer.OutboxSchema}).
 */
@NullMarked
package io.outboxkit.writer;

import org.jspecify.annotations.NullMarked;
