/**
 * Spring Boot integration of OutboxKit: the {@code outbox.*} properties shared by the writer and the relay, and
 * the start-up failure report; each feature's auto-configuration lives in the sub-package of that feature.
 */
@NullMarked
package io.outboxkit.spring;

import org.jspecify.annotations.NullMarked;
