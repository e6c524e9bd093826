/** The order service: takes orders over HTTP and carries each one to its final status through its saga. */
@NullMarked
package io.outboxkit.samples.order;

import org.jspecify.annotations.NullMarked;
