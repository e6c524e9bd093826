/**
 * The shop demo: runs the order, inventory and payment services with their relays on an embedded PostgreSQL
 * and Kafka, places orders under faults, and checks that every service agrees with every other.
 */
@NullMarked
package io.outboxkit.samples.shop;

import org.jspecify.annotations.NullMarked;
