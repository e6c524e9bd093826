/**
 * Whole-pipeline fault and bad-input tests: writers, a relay and a Kafka broker in processes of their own,
 * inbox consumers, and after every scenario a reconciliation of what PostgreSQL committed against what the
 * consumers applied.
 */
@NullMarked
package io.outboxkit.fault;

import org.jspecify.annotations.NullMarked;
