/**
 * The contract shared by OutboxKit's writer, relay and inbox: events, Kafka header names (of events and of
 * dead letters), the exceptions, validated SQL identifiers and the SQL set that creates the database objects.
 */
@NullMarked
package io.outboxkit.core;

import org.jspecify.annotations.NullMarked;
