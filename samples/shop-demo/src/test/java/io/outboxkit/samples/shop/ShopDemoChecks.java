package io.outboxkit.samples.shop;

import static org.assertj.core.api.Assertions.assertThat;

import io.outboxkit.samples.shop.ShopReport.Invariant;
import java.io.PrintStream;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

/** What the demo's integration tests share: a run whose report must hold, and changes that break it. */
final class ShopDemoChecks {

  private ShopDemoChecks() {
  }

  /** Runs the scenario and asserts what holds in either flow. */
  static ShopScenario.Outcome run(Flow flow, int orders) {
    Console console = new Console(new PrintStream(System.out, true));
    ShopScenario.Outcome outcome = ShopScenario.run(DemoOptions.defaults().withFlow(flow).withOrders(orders)
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
    assertThat(report.ordersAccepted()).isEqualTo(orders);
    assertThat(report.ordersByStatus()).containsOnlyKeys("COMPLETED", "CANCELLED");
    assertThat(report.ordersByStatus().get("COMPLETED") + report.ordersByStatus().get("CANCELLED")).isEqualTo(orders);
    assertThat(report.relayRestarts()).isEqualTo(1);
    assertThat(report.copiesInjected()).isPositive();
    // copies of event types a service does not handle are filtered out before its inbox, so the total
    // absorbed may be below the copies injected; the invariant above compares them per service and type
    assertThat(report.duplicatesAbsorbed()).isPositive();
    return outcome;
  }

  /** Stock out of thin air, a completed order back to PENDING, one of the payment service's effects lost. */
  static void breakCommonInvariants(Shop shop) throws SQLException {
    execute(shop, ShopService.INVENTORY, "UPDATE product SET available = available + 1 WHERE sku = 'p-03'");
    execute(shop, ShopService.ORDER,
        "UPDATE orders SET status = 'PENDING' WHERE id = (SELECT id FROM orders WHERE status = 'COMPLETED' "
            + "ORDER BY id LIMIT 1)");
    execute(shop, ShopService.PAYMENT, "DELETE FROM inbox_message WHERE ctid = (SELECT ctid FROM inbox_message LIMIT 1)");
  }

  static void execute(Shop shop, ShopService service, String sql) throws SQLException {
    try (Connection connection = shop.database(service).dataSource().getConnection();
         Statement statement = connection.createStatement()) {
      assertThat(statement.executeUpdate(sql)).as(sql).isEqualTo(1);
    }
  }
}
