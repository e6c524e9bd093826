/**
 * The relay: streams committed outbox events from PostgreSQL's write-ahead log to Kafka with Debezium's
 * embedded engine, committing its position only after the broker acknowledged every record.
 */
@NullMarked
package io.outboxkit.relay;

import org.jspecify.annotations.NullMarked;
