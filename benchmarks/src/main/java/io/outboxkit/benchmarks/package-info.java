/** The end-to-end benchmark harness: OutboxKit's writer, relay and inbox measured against their baselines. */
@NullMarked
package io.outboxkit.benchmarks;

import org.jspecify.annotations.NullMarked;
