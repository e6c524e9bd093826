package io.outboxkit.samples.shop;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** How the three services carry an order through its saga; the services' {@code shop.flow}. */
enum Flow {

  /**
   * The order service orchestrates each order's saga (reserve stock, charge payment, confirm; compensations in
   * reverse); the inventory and payment services are participants behind the saga barrier.
   */
  SAGA,

  /** Each service reacts to the others' events ({@code OrderCreated}, {@code StockReserved}, ...); nobody directs. */
  CHOREOGRAPHY;

  /** The name on the command line and in {@code shop.flow}. */
  String option() {
    return name().toLowerCase(Locale.ROOT);
  }

  /**
   * The flow named on the command line.
   *
   * @throws IllegalArgumentException naming the accepted values
   */
  static Flow parse(String value) {
    for (Flow flow : values()) {
      if (flow.option().equals(value)) {
        return flow;
      }
    }
    throw new IllegalArgumentException("--flow must be one of " + Arrays.stream(values()).map(Flow::option)
        .collect(Collectors.joining(", ")) + ", not '" + value + "'");
  }
}
