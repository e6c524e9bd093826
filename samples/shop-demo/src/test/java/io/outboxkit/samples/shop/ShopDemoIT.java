package io.outboxkit.samples.shop;

import static org.assertj.core.api.Assertions.assertThat;

import io.outboxkit.samples.shop.ShopReport.Invariant;
import java.io.PrintStream;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.Test;

/**
 * The demo's scenario with a small number of orders (system property {@code shop.demo.orders}, default 300),
 * in each flow: the services, their relays, a relay restart and redelivered records, then the report's
 * invariants. Then the audit is shown to catch what it claims to check, by breaking the data behind them.
 */
class ShopDemoIT {

  private static final int ORDERS = Integer.getInteger("shop.demo.orders", 300);

  @Test
  void theOrchestratedSagaKeepsEveryServiceInAgreementThroughARelayRestartAndRedeliveredRecords()
      throws SQLException {
    ShopScenario.Outcome outcome = run(Flow.SAGA);
    try {
      ShopReport report = outcome.report();
      assertThat(report.invariants()).extracting(Invariant::name).contains(
          "no saga is left in a non-final state",
          "every compensated saga compensated each completed step exactly once, in reverse order",
          "no step effect after its compensation (no hanging reservation or charge)",
          "no saga FAILED (each one would be listed above with its reason)");
      assertThat(report.render()).contains("FAILED sagas: none").containsPattern("COMPENSATED=\\d+, COMPLETED=\\d+");

      // the audit catches a broken saga: an order back to PENDING, stock out of thin air, an effect lost, a
      // released reservation held again, a compensation missing from the history, a saga back in progress
      breakCommonInvariants(outcome.shop());
      execute(outcome.shop(), ShopService.INVENTORY, "UPDATE reservation SET status = 'RESERVED' WHERE order_id = "
          + "(SELECT order_id FROM reservation WHERE status = 'RELEASED' LIMIT 1)");
      execute(outcome.shop(), ShopService.ORDER, "DELETE FROM saga_step_history WHERE id = (SELECT min(id) FROM "
          + "saga_step_history WHERE phase = 'COMPENSATION' AND event = 'COMPENSATED')");
      execute(outcome.shop(), ShopService.ORDER, "UPDATE saga_instance SET state = 'RUNNING' WHERE saga_id = "
          + "(SELECT saga_id FROM saga_instance WHERE state = 'COMPLETED' ORDER BY saga_id DESC LIMIT 1)");
      ShopReport broken = Audit.run(outcome.shop(), outcome.http(), outcome.facts());
      new Console(new PrintStream(System.out, true)).line(broken.render());
      assertThat(broken.broken()).extracting(Invariant::name).containsExactlyInAnyOrder(
          "no order is left PENDING",
          "each order's outcome agrees in all three services",
          "per product, initial stock = remaining + sold to completed orders",
          "payments charged = completed orders (count and amount)",
          "each consumer applied each event exactly once (effects = distinct events)",
          "no saga is left in a non-final state",
          "every compensated saga compensated each completed step exactly once, in reverse order",
          "no step effect after its compensation (no hanging reservation or charge)");
      assertThat(broken.broken()).filteredOn(invariant -> invariant.name().startsWith("no step effect"))
          .singleElement().satisfies(invariant -> assertThat(invariant.detail())
              .contains("inventory-service reservation").contains("RESERVED after its compensation (APPLIED)"));
    } finally {
      outcome.shop().close();
    }
  }

  @Test
  void theChoreographyKeepsEveryServiceInAgreementThroughARelayRestartAndRedeliveredRecords() throws SQLException {
    ShopScenario.Outcome outcome = run(Flow.CHOREOGRAPHY);
    try {
      assertThat(outcome.report().invariants()).extracting(Invariant::name)
          .doesNotContain("no saga is left in a non-final state");

      // the audit catches a broken system: stock out of thin air, an order back to PENDING, an effect lost
      breakCommonInvariants(outcome.shop());
      ShopReport broken = Audit.run(outcome.shop(), outcome.http(), outcome.facts());
      new Console(new PrintStream(System.out, true)).line(broken.render());
      assertThat(broken.holds()).isFalse();
      assertThat(broken.broken()).extracting(Invariant::name).containsExactlyInAnyOrder(
          "no order is left PENDING",
          "per product, initial stock = remaining + sold to completed orders",
          "payments charged = completed orders (count and amount)",
          "each consumer applied each event exactly once (effects = distinct events)");
      assertThat(broken.render()).contains("RESULT: ").contains("invariants broken: no order is left PENDING");
    } finally {
      outcome.shop().close();
    }
  }

  /** Runs the scenario and asserts what holds in either flow. */
  private static ShopScenario.Outcome run(Flow flow) {
    Console console = new Console(new PrintStream(System.out, true));
    ShopScenario.Outcome outcome = ShopScenario.run(DemoOptions.defaults().withFlow(flow).withOrders(ORDERS)
        .withClients(4), console);
    ShopReport report = outcome.report();
    console.line(report.render());
    assertThat(report.broken()).as(report.render()).isEmpty();
    assertThat(report.invariants()).extracting(Invariant::name).contains(
        "no order is left PENDING",
        "per product, initial stock = remaining + sold to completed orders",
        "payments charged = completed orders (count and amount)",
        "each consumer applied each event exactly once (effects = distinct events)",
        "every redelivered copy was absorbed by the inbox",
        "every committed event reached Kafka, and nothing else did");
    assertThat(report.ordersAccepted()).isEqualTo(ORDERS);
    assertThat(report.ordersByStatus()).containsOnlyKeys("COMPLETED", "CANCELLED");
    assertThat(report.ordersByStatus().get("COMPLETED") + report.ordersByStatus().get("CANCELLED")).isEqualTo(ORDERS);
    assertThat(report.relayRestarts()).isEqualTo(1);
    assertThat(report.copiesInjected()).isPositive();
    // copies of event types a service does not handle are filtered out before its inbox, so the total
    // absorbed may be below the copies injected; the invariant above compares them per service and type
    assertThat(report.duplicatesAbsorbed()).isPositive();
    return outcome;
  }

  /** Stock out of thin air, a completed order back to PENDING, one of the payment service's effects lost. */
  private static void breakCommonInvariants(Shop shop) throws SQLException {
    execute(shop, ShopService.INVENTORY, "UPDATE product SET available = available + 1 WHERE sku = 'p-03'");
    execute(shop, ShopService.ORDER,
        "UPDATE orders SET status = 'PENDING' WHERE id = (SELECT id FROM orders WHERE status = 'COMPLETED' "
            + "ORDER BY id LIMIT 1)");
    execute(shop, ShopService.PAYMENT, "DELETE FROM inbox_message WHERE ctid = (SELECT ctid FROM inbox_message LIMIT 1)");
  }

  private static void execute(Shop shop, ShopService service, String sql) throws SQLException {
    try (Connection connection = shop.database(service).dataSource().getConnection();
         Statement statement = connection.createStatement()) {
      assertThat(statement.executeUpdate(sql)).as(sql).isEqualTo(1);
    }
  }
}
