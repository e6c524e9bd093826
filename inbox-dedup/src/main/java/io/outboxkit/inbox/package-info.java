/**
 * The inbox: a consumer records each message's business id in the same database transaction as the
 * message's effect, so that redelivered messages are recognized and their effect is applied once.
 */
@NullMarked
package io.outboxkit.inbox;

import org.jspecify.annotations.NullMarked;
