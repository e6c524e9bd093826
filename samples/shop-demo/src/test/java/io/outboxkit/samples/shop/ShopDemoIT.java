package io.outboxkit.samples.shop;

import static org.assertj.core.api.Assertions.assertThat;

import io.outboxkit.samples.shop.ShopReport.Invariant;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.util.List;
import java.sql.SQLException;
import org.junit.jupiter.api.Test;

/**
 * The demo's scenario in the saga flow with a small number of orders (system property {@code shop.demo.orders},
 * default 300): the services, their relays, a relay restart and redelivered records, then the report's
 * invariants. Then the audit is shown to catch what it claims to check, by breaking the data behind them.
 * {@link ShopChoreographyIT} runs the choreography (in a JVM of its own: each run needs a broker without the
 * demo's topics).
 */
class ShopDemoIT {

  private static final int ORDERS = Integer.getInteger("shop.demo.orders", 300);

  @Test
  void theOrchestratedSagaKeepsEveryServiceInAgreementThroughARelayRestartAndRedeliveredRecords()
      throws SQLException, IOException {
    ShopScenario.Outcome outcome = ShopDemoChecks.run(Flow.SAGA, ORDERS);
    try {
      ShopReport report = outcome.report();
      assertThat(report.invariants()).extracting(Invariant::name).contains(
          "no saga is left in a non-final state",
          "every compensated saga compensated each completed step exactly once, in reverse order",
          "no step effect after its compensation (no hanging reservation or charge)",
          "no saga FAILED (each one would be listed above with its reason)",
          "no saga moved while the orchestrator was dead");
      // the orchestrator's process was killed with SIGKILL with sagas in progress, and a new one finished them
      assertThat(outcome.facts().orchestratorKill()).isNotNull();
      assertThat(report.render()).containsPattern("orchestrator killed with [1-9]\\d* sagas in progress")
          .contains("orchestrator killed (SIGKILL): 1");
      assertThat(outcome.shop().orchestrators()).hasSize(2);
      assertThat(outcome.shop().orchestrators().get(0).isAlive()).isFalse();
      // the payment service's commands stopped longer than the step timeout: timeouts fired, commands were sent again
      assertThat(outcome.facts().participantStops()).isOne();
      assertThat(report.render()).containsPattern("step timeouts [1-9]\\d*, commands sent again [1-9]");
      assertThat(report.render()).contains("FAILED sagas: none").containsPattern("COMPENSATED=\\d+, COMPLETED=\\d+");
      // the inventory's release failed for some orders before it succeeded: the compensation retry carried it
      assertThat(report.render()).containsPattern("compensations retried [1-9]\\d* times in [1-9]\\d* sagas");
      assertThat(outcome.facts().repliesHeld()).isOne();

      // the trace of one compensated order, read back from the traces file: a tree from the order's request,
      // through the three services and their relays, to the compensation
      assertThat(Files.size(outcome.shop().tracing().file())).isPositive();
      List<String> lines = report.lines();
      int title = lines.indexOf(lines.stream().filter(line -> line.startsWith("trace       order ")).findFirst()
          .orElseThrow(() -> new AssertionError("no trace in the report:\n" + report.render())));
      assertThat(lines.get(title)).contains("cancelled (").contains("order-service", "order-service-relay",
          "inventory-service", "payment-service");
      List<String> tree = lines.subList(title + 1, lines.size()).stream().takeWhile(line -> line.startsWith("    "))
          .toList();
      assertThat(tree.get(1)).contains("order-service").contains(ShopTracing.PLACE_ORDER);
      assertThat(tree).anySatisfy(line -> assertThat(line).contains("saga start place-order"));
      assertThat(tree).anySatisfy(line -> assertThat(line).contains("process outbox.event.inventory ReserveStock"));
      assertThat(tree).filteredOn(line -> line.contains(TraceTree.COMPENSATION_MARK)).singleElement()
          .satisfies(line -> assertThat(line).contains("place-order -> compensating"));
      // the compensation's command is in the same trace, after the transition that started it
      int compensationStarted = tree.indexOf(tree.stream().filter(line -> line.contains(TraceTree.COMPENSATION_MARK))
          .findFirst().orElseThrow());
      assertThat(tree.subList(compensationStarted, tree.size()))
          .anySatisfy(line -> assertThat(line).contains("ReleaseStock"));
      assertThat(report.render()).contains("Where to look next").contains(outcome.shop().tracing().file().toString())
          .contains("-timeline.svg");
      assertThat(Files.readString(ShopScenario.besideLog("-timeline.svg"))).startsWith("<svg").contains("placed")
          .contains("payment's saga commands stopped");

      // the audit catches a broken saga: an order back to PENDING, stock out of thin air, an effect lost, a
      // released reservation held again, a compensation missing from the history, a saga back in progress
      ShopDemoChecks.breakCommonInvariants(outcome.shop());
      ShopDemoChecks.execute(outcome.shop(), ShopService.INVENTORY, "UPDATE reservation SET status = 'RESERVED' WHERE order_id = "
          + "(SELECT order_id FROM reservation WHERE status = 'RELEASED' LIMIT 1)");
      ShopDemoChecks.execute(outcome.shop(), ShopService.ORDER, "DELETE FROM saga_step_history WHERE id = (SELECT min(id) FROM "
          + "saga_step_history WHERE phase = 'COMPENSATION' AND event = 'COMPENSATED')");
      ShopDemoChecks.execute(outcome.shop(), ShopService.ORDER, "UPDATE saga_instance SET state = 'RUNNING' WHERE saga_id = "
          + "(SELECT saga_id FROM saga_instance WHERE state = 'COMPLETED' ORDER BY saga_id DESC LIMIT 1)");
      // and a saga that moved while the orchestrator was dead (a first step's send again, in a transaction of its own)
      ShopDemoChecks.execute(outcome.shop(), ShopService.ORDER, "INSERT INTO saga_step_history (saga_type, saga_id, step, "
          + "step_name, phase, event, attempt, at) SELECT saga_type, saga_id, step, step_name, phase, event, attempt, "
          + "timestamptz '" + outcome.facts().orchestratorKill().deadFrom().toInstant() + "' + interval '1 millisecond' "
          + "FROM saga_step_history WHERE phase = 'ACTION' AND event = 'SENT' ORDER BY id LIMIT 1");
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
          "no step effect after its compensation (no hanging reservation or charge)",
          "no saga moved while the orchestrator was dead");
      assertThat(broken.broken()).filteredOn(invariant -> invariant.name().startsWith("no step effect"))
          .singleElement().satisfies(invariant -> assertThat(invariant.detail())
              .contains("inventory-service reservation").contains("RESERVED after its compensation (APPLIED)"));
    } finally {
      outcome.shop().close();
    }
  }
}
