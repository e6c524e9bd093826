/** The order service: takes orders over HTTP and follows each one to its final status through the saga's events. */
@NullMarked
package io.outboxkit.samples.order;

import org.jspecify.annotations.NullMarked;
