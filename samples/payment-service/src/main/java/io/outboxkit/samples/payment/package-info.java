/** The payment service: charges orders whose stock is reserved, or declines them by the credit-limit rule. */
@NullMarked
package io.outboxkit.samples.payment;

import org.jspecify.annotations.NullMarked;
