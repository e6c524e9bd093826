/**
 * Orchestrated sagas on the outbox and the inbox: a persisted state machine that sends each step's command
 * through the outbox, advances on replies taken through the inbox, compensates completed steps in reverse,
 * enforces step deadlines with a scanner, and a participant barrier that makes every command idempotent.
 */
@NullMarked
package io.outboxkit.saga;

import org.jspecify.annotations.NullMarked;
