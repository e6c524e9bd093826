/**
 * Auto-configuration of the {@link io.outboxkit.relay.OutboxRelay} embedded in an application (off unless
 * {@code outbox.relay.enabled=true}), started and stopped with the application context, with its
 * {@code outbox.relay.*} properties, its health indicator and its metrics.
 */
@NullMarked
package io.outboxkit.spring.relay;

import org.jspecify.annotations.NullMarked;
