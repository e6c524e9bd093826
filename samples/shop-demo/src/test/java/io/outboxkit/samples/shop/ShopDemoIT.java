package io.outboxkit.samples.shop;

import static org.assertj.core.api.Assertions.assertThat;

import io.outboxkit.samples.shop.ShopReport.Invariant;
import java.io.PrintStream;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.Test;

/**
 * The demo's scenario with a small number of orders (system property {@code shop.demo.orders}, default 300):
 * the services, their relays, a relay restart and redelivered records, then the report's invariants. Then the
 * audit is shown to catch what it claims to check, by breaking the data behind three invariants.
 */
class ShopDemoIT {

  private static final int ORDERS = Integer.getInteger("shop.demo.orders", 300);

  @Test
  void everyServiceAgreesAfterARelayRestartAndRedeliveredRecords() throws SQLException {
    Console console = new Console(new PrintStream(System.out, true));
    ShopScenario.Outcome outcome = ShopScenario.run(DemoOptions.defaults().withOrders(ORDERS).withClients(4), console);
    try {
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

      // the audit catches a broken system: stock out of thin air, an order back to PENDING, an effect lost
      execute(outcome.shop(), ShopService.INVENTORY, "UPDATE product SET available = available + 1 WHERE sku = 'p-03'");
      execute(outcome.shop(), ShopService.ORDER,
          "UPDATE orders SET status = 'PENDING' WHERE id = (SELECT id FROM orders WHERE status = 'COMPLETED' LIMIT 1)");
      execute(outcome.shop(), ShopService.PAYMENT,
          "DELETE FROM inbox_message WHERE ctid = (SELECT ctid FROM inbox_message LIMIT 1)");
      ShopReport broken = Audit.run(outcome.shop(), outcome.http(), outcome.facts());
      console.line(broken.render());
      assertThat(broken.holds()).isFalse();
      assertThat(broken.broken()).extracting(Invariant::name).containsExactlyInAnyOrder(
          "no order is left PENDING",
          "per product, initial stock = remaining + sold to completed orders",
          "payments charged = completed orders (count and amount)",
          "each consumer applied each event exactly once (effects = distinct events)");
      assertThat(broken.render()).contains("RESULT: ").contains("invariants broken: no order is left PENDING");
      // the deleted inbox row no longer matches the inbox's own count of processed records either
      assertThat(broken.broken()).filteredOn(invariant -> invariant.name().startsWith("each consumer applied"))
          .singleElement().satisfies(invariant -> assertThat(invariant.detail())
              .containsPattern("payment-service counted \\d+ processed for \\d+ inbox rows"));
    } finally {
      outcome.shop().close();
    }
  }

  private static void execute(Shop shop, ShopService service, String sql) throws SQLException {
    try (Connection connection = shop.database(service).dataSource().getConnection();
         Statement statement = connection.createStatement()) {
      assertThat(statement.executeUpdate(sql)).as(sql).isEqualTo(1);
    }
  }
}
