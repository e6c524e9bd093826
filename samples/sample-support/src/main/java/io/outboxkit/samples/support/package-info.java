/** What the sample services share that is not their business: the choreography listeners' event filter. */
@NullMarked
package io.outboxkit.samples.support;

import org.jspecify.annotations.NullMarked;
