/** The inventory service: reserves stock for new orders, rejects them when stock is short, releases unpaid ones. */
@NullMarked
package io.outboxkit.samples.inventory;

import org.jspecify.annotations.NullMarked;
