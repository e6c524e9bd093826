package io.outboxkit.samples.shop;

import static org.assertj.core.api.Assertions.assertThat;

import io.outboxkit.samples.shop.ShopReport.Invariant;
import java.io.PrintStream;
import java.sql.SQLException;
import org.junit.jupiter.api.Test;

/**
 * The demo's scenario in the choreography ({@code --flow=choreography}) with a small number of orders (system
 * property {@code shop.demo.orders}, default 300), then the audit shown to catch a broken system.
 */
class ShopChoreographyIT {

  private static final int ORDERS = Integer.getInteger("shop.demo.orders", 300);

  @Test
  void theChoreographyKeepsEveryServiceInAgreementThroughARelayRestartAndRedeliveredRecords() throws SQLException {
    ShopScenario.Outcome outcome = ShopDemoChecks.run(Flow.CHOREOGRAPHY, ORDERS);
    try {
      assertThat(outcome.report().invariants()).extracting(Invariant::name)
          .doesNotContain("no saga is left in a non-final state");

      // the audit catches a broken system: stock out of thin air, an order back to PENDING, an effect lost
      ShopDemoChecks.breakCommonInvariants(outcome.shop());
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
}
