/**
 * Auto-configuration of the {@link io.outboxkit.inbox.Inbox} on the application's DataSource, its
 * {@code outbox.inbox.*} properties, the optional installation of the inbox table and the scheduled deletion
 * of old inbox rows.
 */
@NullMarked
package io.outboxkit.spring.inbox;

import org.jspecify.annotations.NullMarked;
