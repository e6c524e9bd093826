package io.outboxkit.samples.shop;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The report's last section: where to look next (logs, traces, timeline, the services' endpoints). */
final class WhereNext {

  private WhereNext() {
  }

  static List<String> lines(DemoOptions options, Shop shop, Path timeline) {
    List<String> lines = new ArrayList<>();
    lines.add("");
    lines.add("Where to look next");
    lines.add("  logs      " + System.getProperty("shop.demo.log", "shop-demo.log")
        + " (everything the services, relays and clients logged)");
    if (shop.flow() == Flow.SAGA) {
      for (OrchestratorProcess orchestrator : shop.orchestrators()) {
        lines.add("            " + orchestrator.logFile() + " (orchestrator process " + orchestrator.pid()
            + (orchestrator.isAlive() ? ")" : ", killed)"));
      }
    }
    lines.add("  traces    " + shop.tracing().file() + " (" + shop.tracing().spans() + " spans so far; OTLP JSON, one "
        + "export request per line, as the OpenTelemetry Collector's otlpjsonfile receiver reads it; the trace "
        + "id above finds one order's spans)");
    lines.add("  timeline  " + timeline + " (orders placed, completed and cancelled over time, faults marked; open "
        + "it in a browser)");
    boolean running = options.keepRunning();
    String order = running ? "localhost:" + shop.port(ShopService.ORDER) : "localhost:" + options.ports().get(0);
    String inventory = running ? "localhost:" + shop.port(ShopService.INVENTORY) : "localhost:" + options.ports().get(1);
    String payment = running ? "localhost:" + shop.port(ShopService.PAYMENT) : "localhost:" + options.ports().get(2);
    if (!running && options.ports().equals(List.of(0, 0, 0))) {
      order = "localhost:8081";
      inventory = "localhost:8082";
      payment = "localhost:8083";
    }
    lines.add(running ? "  services  running until Ctrl+C; their health and meters:"
        : "  services  stop with the demo; run it with --keep-running to keep them up after the report, then:");
    if (shop.flow() == Flow.SAGA) {
      lines.add("            curl -s " + order + "/actuator/health"
          + "   # the saga health: sagas running, compensating, failed, overdue");
      // the saga's meters are the orchestrator process's (counted from its last start)
      String orchestrator = "localhost:" + shop.orchestratorUri().getPort();
      lines.add("            curl -s " + orchestrator + "/actuator/metrics/outboxkit.saga.compensated"
          + "   # the orchestrator process");
      lines.add("            curl -s " + orchestrator + "/actuator/metrics/outboxkit.saga.replies.ignored"
          + "   # late or repeated replies");
      lines.add("            curl -s " + orchestrator + "/actuator/metrics/outboxkit.saga.timeouts");
    } else {
      lines.add("            curl -s " + order + "/actuator/health");
    }
    lines.add("            curl -s '" + inventory + "/actuator/metrics/outboxkit.inbox.duplicates?tag=consumer:"
        + ShopService.INVENTORY.serviceName() + "'   # redeliveries absorbed");
    lines.add("            curl -s '" + payment + "/actuator/metrics/outboxkit.inbox.processed?tag=consumer:"
        + ShopService.PAYMENT.serviceName() + "'");
    lines.add("            curl -s " + order + "/actuator/metrics   # every meter's name");
    return lines;
  }
}
