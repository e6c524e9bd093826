/**
 * The standalone relay process: a Spring Boot application that runs one {@link io.outboxkit.relay.OutboxRelay}
 * configured by the {@code outbox.*} and {@code outbox.relay.*} properties, with health and Prometheus metrics.
 */
@NullMarked
package io.outboxkit.relay.server;

import org.jspecify.annotations.NullMarked;
