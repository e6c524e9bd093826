package io.outboxkit.samples.shop;

import java.nio.file.Path;
import org.springframework.boot.SpringApplication;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The order service's saga orchestrator in a JVM of its own, as the demo starts it ({@link OrchestratorProcess}):
 * the order service's application with its saga consumers on (the replies and the timeout scanner), so that
 * the demo can kill it with SIGKILL while the order service that takes the orders goes on starting sagas.
 * Arguments are the application's; the system property {@code shop.orchestrator.traces} names its traces file.
 * It prints {@link #READY} and its HTTP port once its consumers run.
 */
public final class OrchestratorMain {

  /** The line the process prints once it runs, followed by its HTTP port. */
  static final String READY = "shop-orchestrator ready on port ";

  private OrchestratorMain() {
  }

  public static void main(String[] args) {
    String traces = System.getProperty("shop.orchestrator.traces");
    if (traces == null || traces.isBlank()) {
      System.err.println("set the system property shop.orchestrator.traces to the file the spans go to");
      System.exit(2);
      return;
    }
    // a demo that ends without stopping it (killed itself) must not leave it running
    ProcessHandle.current().parent().ifPresent(parent -> parent.onExit().thenRun(() -> System.exit(3)));
    ShopTracing tracing = new ShopTracing(Path.of(traces));
    SpringApplication application = ShopService.ORDER.application();
    application.setRegisterShutdownHook(false);
    tracing.install(application, ShopService.ORDER.serviceName(), false);
    ConfigurableApplicationContext context;
    try {
      context = application.run(args);
    } catch (RuntimeException e) {
      System.err.println("the orchestrator could not start: " + e.getMessage());
      tracing.close();
      System.exit(2);
      return;
    }
    // SIGTERM (the demo's end) closes the consumers, then writes the spans still queued; SIGKILL skips both
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      context.close();
      tracing.close();
    }, "shop-orchestrator-stop"));
    System.out.println(READY + context.getEnvironment().getProperty("local.server.port", "0"));
    System.out.flush();
  }
}
