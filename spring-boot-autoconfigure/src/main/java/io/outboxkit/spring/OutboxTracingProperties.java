package io.outboxkit.spring;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Tracing of all OutboxKit parts, bound from {@code outbox.tracing.*}. With opentelemetry-api on the class
 * path, the writer stores the current span's context with each event, the relay publishes each such event in
 * a producer span, and {@code @IdempotentListener} methods run in a consumer span, all with the
 * application's {@code OpenTelemetry} bean when it has one (Spring Boot defines one with Micrometer Tracing's
 * OpenTelemetry bridge), else {@code GlobalOpenTelemetry}.
 *
 * @param enabled Whether OutboxKit stores trace contexts with events and makes producer and consumer spans;
 *     false turns all of it off, whatever outbox.writer.trace-context-propagation says
 */
@ConfigurationProperties("outbox.tracing")
public record OutboxTracingProperties(@DefaultValue("true") boolean enabled) {
}
