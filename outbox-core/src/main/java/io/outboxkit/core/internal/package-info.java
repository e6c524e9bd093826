/**
 * Implementation shared by OutboxKit's modules (catalog queries of the start-up checks and the installers'
 * lock, the rule for secret settings, the classification of database failures, the assembly of dead-letter
 * headers, the inbox's meters, the JDBC transaction template, the reading of shipped SQL scripts, the JSON factory without read limits, the current trace context, the
 * OpenTelemetry spans' shared attributes and helpers, Kafka headers as the trace context's carrier); not API, may
 * change in any release.
 */
@NullMarked
package io.outboxkit.core.internal;

import org.jspecify.annotations.NullMarked;
