/**
 * Classes that Debezium's engine instantiates by name and therefore must be public; they are not API and
 * may change in any release.
 */
@NullMarked
package io.outboxkit.relay.internal;

import org.jspecify.annotations.NullMarked;
