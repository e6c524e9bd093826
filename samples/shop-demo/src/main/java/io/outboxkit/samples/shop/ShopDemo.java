package io.outboxkit.samples.shop;

import java.io.File;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.CountDownLatch;
import java.util.stream.Collectors;

/**
 * The shop demo's command line: {@code java -jar shop-demo.jar [--orders=N] [--keep-running] ...}. Exits 0
 * when every invariant of the report holds, 1 when one does not (the report names it), 2 when the demo could
 * not run (bad option, a server that did not start).
 */
public final class ShopDemo {

  private ShopDemo() {
  }

  public static void main(String[] args) {
    DemoOptions options;
    try {
      if (Arrays.asList(args).contains("--help")) {
        System.out.print(DemoOptions.USAGE);
        return;
      }
      options = DemoOptions.parse(args);
    } catch (IllegalArgumentException e) {
      System.err.println(e.getMessage());
      System.err.print(DemoOptions.USAGE);
      System.exit(2);
      return;
    }
    String log = prepareJvm();
    Console console = new Console(System.out);
    console.line("OutboxKit shop demo (" + options.flow().option() + " flow): " + options.orders() + " orders from " + options.clients() + " clients"
        + (options.rate() == 0 ? "" : " at " + options.rate() + "/s") + ", "
        + (options.faults() ? "with faults" : "without faults") + ", seed " + options.seed() + "; logs in " + log);
    ShopScenario.Outcome outcome;
    try {
      outcome = ShopScenario.run(options, console);
    } catch (RuntimeException e) {
      console.line("The demo could not run: " + e.getMessage() + " (details in " + log + ")");
      System.exit(2);
      return;
    }
    ShopReport report = outcome.report();
    console.line(report.render());
    if (options.keepRunning()) {
      keepRunning(outcome.shop(), console);
    }
    outcome.shop().close();
    System.exit(report.holds() ? 0 : 1);
  }

  /** Sets the log file (beside the jar) before the first logger exists. */
  private static String prepareJvm() {
    if (System.getProperty("shop.demo.log") == null) {
      Path first = Path.of(System.getProperty("java.class.path", "").split(File.pathSeparator)[0])
          .toAbsolutePath().normalize();
      Path directory = first.toString().endsWith(".jar") ? first.getParent() : first;
      System.setProperty("shop.demo.log", directory.resolve("shop-demo.log").toString());
    }
    return System.getProperty("shop.demo.log");
  }

  private static void keepRunning(Shop shop, Console console) {
    console.line("");
    console.line("Everything keeps running (Ctrl+C stops it):");
    for (ShopService service : ShopService.values()) {
      console.line(String.format("  %-18s %s", service.serviceName(), shop.uri(service)));
    }
    if (shop.flow() == Flow.SAGA) {
      console.line(String.format("  %-18s %s (pid %d)", "saga orchestrator", shop.orchestratorUri(),
          shop.orchestrator().pid()));
    }
    console.line("  PostgreSQL         " + shop.postgresDescription() + ", databases "
        + Arrays.stream(ShopService.values()).map(service -> shop.database(service).name())
            .collect(Collectors.joining(", ")));
    console.line("  Kafka              " + shop.bootstrapServers() + ", topics "
        + String.join(", ", ShopService.topics(shop.flow())));
    String orders = shop.uri(ShopService.ORDER).toString();
    console.line("Try:");
    console.line("  curl -s -X POST " + orders + "/orders -H 'Content-Type: application/json' \\");
    console.line("       -d '{\"customerId\":\"c-01\",\"product\":\"p-03\",\"quantity\":2,\"amount\":48.00}'");
    console.line("  curl -s " + orders + "/orders/<orderId>");
    console.line("  curl -s " + orders + "/orders/summary");
    console.line("  curl -s " + shop.uri(ShopService.INVENTORY) + "/products");
    console.line("  curl -s " + shop.uri(ShopService.PAYMENT) + "/customers/c-04");
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      shop.close();
      stopped.countDown();
    }, "shop-demo-stop"));
    try {
      stopped.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
