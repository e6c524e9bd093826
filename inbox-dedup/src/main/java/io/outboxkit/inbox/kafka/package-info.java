/**
 * A Kafka consumer runner that feeds records through an {@link io.outboxkit.inbox.Inbox}, commits offsets
 * after the database, retries with backoff and sends what cannot be processed to a dead-letter topic.
 */
@NullMarked
package io.outboxkit.inbox.kafka;

import org.jspecify.annotations.NullMarked;
