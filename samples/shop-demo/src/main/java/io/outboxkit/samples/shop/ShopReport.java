package io.outboxkit.samples.shop;

import java.util.List;
import java.util.Map;

/**
 * The consistency report: the figures, and the invariants with whether each one holds.
 *
 * @param ordersAccepted orders the order service accepted ({@code 201 Created})
 * @param ordersByStatus orders in the order service by status
 * @param relayRestarts relay restarts injected
 * @param copiesInjected copies of consumed records published again
 * @param duplicatesAbsorbed deliveries the services' inboxes skipped as already processed, all services
 * @param invariants every invariant checked, in the order of the report
 * @param lines the report as printed
 */
record ShopReport(int ordersAccepted, Map<String, Long> ordersByStatus, int relayRestarts, int copiesInjected,
    long duplicatesAbsorbed, List<Invariant> invariants, List<String> lines) {

  /** One invariant: its name, whether it holds, and the figures behind it. */
  record Invariant(String name, boolean holds, String detail) {
  }

  ShopReport {
    ordersByStatus = Map.copyOf(ordersByStatus);
    invariants = List.copyOf(invariants);
    lines = List.copyOf(lines);
  }

  /** Whether every invariant holds. */
  boolean holds() {
    return invariants.stream().allMatch(Invariant::holds);
  }

  /** The invariants that do not hold. */
  List<Invariant> broken() {
    return invariants.stream().filter(invariant -> !invariant.holds()).toList();
  }

  /**
   * The same report with more sections: {@code beforeInvariants} after the figures, {@code atEnd} after the
   * result line.
   */
  ShopReport with(List<String> beforeInvariants, List<String> atEnd) {
    List<String> all = new java.util.ArrayList<>(lines);
    int invariantsAt = all.lastIndexOf("Invariants");
    // the blank line before the invariants' title stays before it
    all.addAll(invariantsAt < 1 ? all.size() : invariantsAt - 1, beforeInvariants);
    all.addAll(atEnd);
    return new ShopReport(ordersAccepted, ordersByStatus, relayRestarts, copiesInjected, duplicatesAbsorbed,
        invariants, all);
  }

  /** The report as printed. */
  String render() {
    return String.join(System.lineSeparator(), lines);
  }
}
