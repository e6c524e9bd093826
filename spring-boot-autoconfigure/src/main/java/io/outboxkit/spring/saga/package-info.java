/**
 * Spring Boot support for sagas: the orchestrator built from the application's {@code SagaDefinition} beans,
 * the reply and command consumers, the scanner, health and metrics, configured by {@code outbox.saga.*}.
 */
@NullMarked
package io.outboxkit.spring.saga;

import org.jspecify.annotations.NullMarked;
