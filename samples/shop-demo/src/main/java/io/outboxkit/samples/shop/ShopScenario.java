package io.outboxkit.samples.shop;

import io.outboxkit.samples.shop.Catalog.Customer;
import io.outboxkit.samples.shop.Catalog.PlannedOrder;
import io.outboxkit.samples.shop.Catalog.Product;
import io.outboxkit.samples.shop.Faults.Redelivery;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;

/**
 * The demo's scenario: start the shop, stock it, place the orders from concurrent clients while injecting
 * the faults, wait until the system is quiet, and audit it.
 */
final class ShopScenario {

  /** When the faults happen, as a share of the orders sent. */
  /**
   * When the faults happen, as a share of the orders sent; one after the other (a fault whose share has passed
   * while the one before it lasted follows at once). The replies are held near the end, so that few sagas wait
   * on them: each charge sent in the window's first seconds is decided by its timeouts.
   */
  private static final double PARTICIPANT_STOP_AT = 0.2;
  private static final double RELAY_RESTART_AT = 0.45;
  private static final double REDELIVERY_AT = 0.7;
  private static final double LATE_REPLIES_AT = 0.9;
  /**
   * The charge step's timeout in the demo (the order service's {@code shop.saga.payment-timeout}; the reservation
   * keeps 30 s): three sends, 1 s and 2 s apart, so the step is decided after about 33 s without a reply.
   */
  static final Duration STEP_TIMEOUT = Duration.ofSeconds(10);
  /** Longer than a step timeout, shorter than three: timeouts fire, commands are sent again, the sagas finish. */
  private static final Duration PARTICIPANT_DOWN = Duration.ofSeconds(20);
  /**
   * A little longer than three charge timeouts: the sagas whose charge was answered in the window's first
   * seconds compensate on the timeout; the answers reach the orchestrator afterwards, late.
   */
  private static final Duration REPLIES_HELD = Duration.ofSeconds(36);
  /** The inventory's release of every third order fails its first two attempts. */
  static final int RELEASE_FAILURES = 2;
  private static final Duration RELAY_DOWN = Duration.ofSeconds(2);
  /** How long the killed orchestrator stays dead before a new process starts (which takes its own seconds). */
  private static final Duration ORCHESTRATOR_DEAD = Duration.ofSeconds(2);
  /** The orchestrator is killed this long after the payment service's commands stopped, while they still are. */
  private static final Duration ORCHESTRATOR_KILL_AFTER = Duration.ofSeconds(5);
  private static final long PROGRESS_MILLIS = 2000;

  private final DemoOptions options;
  private final Console console;
  private final ShopHttp http = new ShopHttp();

  private ShopScenario(DemoOptions options, Console console) {
    this.options = options;
    this.console = console;
  }

  /** The report, the facts it was made from, and the shop still running: the caller closes it. */
  record Outcome(ShopReport report, Audit.RunFacts facts, Shop shop, ShopHttp http) {
  }

  /** The file beside the log (the log's name with {@code suffix} instead of {@code .log}). */
  static Path besideLog(String suffix) {
    Path log = Path.of(System.getProperty("shop.demo.log", "shop-demo.log")).toAbsolutePath().normalize();
    String name = log.getFileName().toString();
    return log.resolveSibling((name.endsWith(".log") ? name.substring(0, name.length() - 4) : name) + suffix);
  }

  /** Runs the scenario; the shop is left running for the caller (closed here only if the run fails). */
  static Outcome run(DemoOptions options, Console console) {
    return new ShopScenario(options, console).run();
  }

  private Outcome run() {
    ShopTracing tracing = new ShopTracing(besideLog("-traces.jsonl"));
    console.step("tracing every service and relay to %s (OTLP JSON, a line per export)", tracing.file());
    List<String> serviceArgs = List.of();
    if (options.faults() && options.flow() == Flow.SAGA) {
      serviceArgs = List.of("--shop.saga.payment-timeout=" + STEP_TIMEOUT.toSeconds() + "s",
          "--shop.fault.release-failures=" + RELEASE_FAILURES);
    }
    Shop shop;
    try {
      shop = Shop.start(options.flow(), options.ports(), serviceArgs, tracing, console);
    } catch (RuntimeException e) {
      tracing.close();
      throw e;
    }
    Timeline timeline = new Timeline();
    try {
      Catalog catalog = Catalog.forOrders(options.orders());
      stock(shop, catalog);
      List<PlannedOrder> plan = catalog.plan(options.orders(), options.seed());
      OrderClients clients = new OrderClients(http, shop.uri(ShopService.ORDER), plan, options.clients(),
          options.rate());
      AtomicInteger relayRestarts = new AtomicInteger();
      AtomicInteger participantStops = new AtomicInteger();
      AtomicInteger repliesHeld = new AtomicInteger();
      AtomicReference<Redelivery> redelivery = new AtomicReference<>(Redelivery.none());
      AtomicReference<Faults.OrchestratorKill> kill = new AtomicReference<>();
      AtomicReference<RuntimeException> faultFailure = new AtomicReference<>();
      Thread faults = new Thread(() -> {
        try {
          injectFaults(shop, clients, plan.size(), timeline, relayRestarts, redelivery, participantStops,
              repliesHeld, kill);
        } catch (RuntimeException e) {
          faultFailure.set(e);
        }
      }, "shop-faults");
      faults.setDaemon(true);
      Thread progress = progress(shop, () -> "placed " + clients.sent() + "/" + plan.size());

      if (!plan.isEmpty()) {
        console.step("placing %d orders from %d clients, %s%s", plan.size(), options.clients(),
            options.rate() == 0 ? "as fast as they are answered" : options.rate() + " per second",
            !options.faults() ? "" : options.flow() == Flow.CHOREOGRAPHY
                ? "; faults at " + (int) (RELAY_RESTART_AT * 100) + "% (relay restart) and " + (int) (REDELIVERY_AT * 100)
                    + "% (redelivery)"
                : "; faults at " + (int) (PARTICIPANT_STOP_AT * 100) + "% (payment's commands stopped "
                    + PARTICIPANT_DOWN.toSeconds() + " s, longer than the charge's " + STEP_TIMEOUT.toSeconds()
                    + " s timeout; " + ORCHESTRATOR_KILL_AFTER.toSeconds() + " s into it the orchestrator is killed "
                    + "with SIGKILL), " + (int) (RELAY_RESTART_AT * 100) + "% (relay restart), "
                    + (int) (REDELIVERY_AT * 100) + "% (redelivery), " + (int) (LATE_REPLIES_AT * 100)
                    + "% (payment's replies held " + REPLIES_HELD.toSeconds() + " s, past the charge's three sends); "
                    + "the release of every third order fails " + RELEASE_FAILURES + " times before it succeeds");
      }
      clients.start();
      if (options.faults() && !plan.isEmpty()) {
        faults.start();
      }
      clients.await();
      if (!plan.isEmpty()) {
        console.step("all orders sent: %d accepted, %d failed, in %.1f s (%.0f orders/s)", clients.accepted(),
            clients.failed(), clients.seconds(), clients.sent() / Math.max(0.001, clients.seconds()));
      }
      faults.join();
      if (faultFailure.get() != null) {
        throw new IllegalStateException("a fault could not be injected: " + faultFailure.get().getMessage(),
            faultFailure.get());
      }
      progress.interrupt();
      progress.join();

      console.step("waiting for the system to go quiet (up to %d s)", options.quietTimeout().toSeconds());
      boolean quiet = awaitQuiet(shop, redelivery.get());
      console.step(quiet ? "quiet: every order final, every consumer caught up, every event relayed"
          : "NOT quiet after " + options.quietTimeout().toSeconds() + " s; auditing anyway");
      Audit.RunFacts facts = new Audit.RunFacts(catalog.initialStock(), plan.size(), clients.accepted(),
          clients.failed(), clients.firstFailure(), clients.acceptedIds(), relayRestarts.get(), redelivery.get(),
          participantStops.get(), repliesHeld.get(), kill.get(), quiet, options.quietTimeout().toSeconds());
      ShopReport report = Audit.run(shop, http, facts);
      List<String> trace = CompensatedOrderTrace.lines(shop);
      Path chart = besideLog("-timeline.svg");
      String chartLine;
      try {
        chartLine = "timeline    " + chart + " (" + timeline.write(shop, chart) + ")";
      } catch (IOException | SQLException e) {
        chartLine = "timeline    could not be written to " + chart + ": " + e.getMessage();
      }
      List<String> before = new java.util.ArrayList<>(trace);
      before.add(chartLine);
      return new Outcome(report.with(before, WhereNext.lines(options, shop, chart)), facts, shop, http);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      shop.close();
      throw new IllegalStateException("interrupted", e);
    } catch (RuntimeException e) {
      shop.close();
      throw e;
    }
  }

  private void stock(Shop shop, Catalog catalog) {
    try {
      for (Product product : catalog.products()) {
        expectOk(http.put(shop.uri(ShopService.INVENTORY).resolve("/products/" + product.sku()),
            Map.of("available", product.initialStock())), "PUT /products/" + product.sku());
      }
      for (Customer customer : catalog.customers()) {
        expectOk(http.put(shop.uri(ShopService.PAYMENT).resolve("/customers/" + customer.customerId()),
            Map.of("creditLimit", customer.creditLimit())), "PUT /customers/" + customer.customerId());
      }
    } catch (IOException e) {
      throw new IllegalStateException("could not stock the shop: " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
    Map<String, Integer> stock = catalog.initialStock();
    console.step("stocked %d products %s (p-01 and p-02 short); %d customer accounts, every 4th with a credit "
        + "limit of 150.00, the others 1000.00", stock.size(), stock, catalog.customers().size());
  }

  private static void expectOk(ShopHttp.Response response, String request) {
    if (response.status() != 200) {
      throw new IllegalStateException(request + " answered " + response.status() + ": " + response.body());
    }
  }

  private void injectFaults(Shop shop, OrderClients clients, int orders, Timeline timeline,
      AtomicInteger relayRestarts, AtomicReference<Redelivery> redelivery, AtomicInteger participantStops,
      AtomicInteger repliesHeld, AtomicReference<Faults.OrchestratorKill> kill) {
    boolean saga = shop.flow() == Flow.SAGA;
    long from;
    if (saga) {
      awaitUntil(() -> clients.sent() >= orders * PARTICIPANT_STOP_AT);
      from = System.currentTimeMillis();
      Faults.stopParticipant(shop, ShopService.PAYMENT, PARTICIPANT_DOWN, console, clients.sent(),
          ORCHESTRATOR_KILL_AFTER, () -> {
            long killed = System.currentTimeMillis();
            kill.set(Faults.killOrchestrator(shop, ORCHESTRATOR_DEAD, console, clients.sent()));
            timeline.mark("orchestrator killed (SIGKILL) and started again", killed);
          });
      timeline.mark("payment's saga commands stopped", from);
      participantStops.incrementAndGet();
    }
    awaitUntil(() -> clients.sent() >= orders * RELAY_RESTART_AT);
    from = System.currentTimeMillis();
    Faults.restartRelay(shop, ShopService.ORDER, RELAY_DOWN, console, clients.sent());
    timeline.mark("order-service's relay restarted", from);
    relayRestarts.incrementAndGet();
    awaitUntil(() -> clients.sent() >= orders * REDELIVERY_AT);
    from = System.currentTimeMillis();
    redelivery.set(Faults.redeliver(shop, Math.max(1, orders / 10), console));
    timeline.mark("copies of consumed records published", from);
    if (saga) {
      awaitUntil(() -> clients.sent() >= orders * LATE_REPLIES_AT);
      from = System.currentTimeMillis();
      Faults.holdReplies(shop, ShopService.PAYMENT, REPLIES_HELD, console, clients.sent());
      timeline.mark("payment's replies held back (late replies)", from);
      repliesHeld.incrementAndGet();
    }
  }

  private static void awaitUntil(BooleanSupplier condition) {
    while (!condition.getAsBoolean()) {
      Shop.pause(20);
    }
  }

  /** Prints a progress line every two seconds until interrupted. */
  private Thread progress(Shop shop, java.util.function.Supplier<String> sent) {
    Thread thread = new Thread(() -> {
      while (!Thread.currentThread().isInterrupted()) {
        try {
          Thread.sleep(PROGRESS_MILLIS);
        } catch (InterruptedException e) {
          return;
        }
        try {
          console.step("%s | orders %s | relays %s", sent.get(), ordersByStatus(shop), relayStates(shop));
        } catch (RuntimeException | SQLException e) {
          console.step("progress unavailable: %s", e.getMessage());
        }
      }
    }, "shop-progress");
    thread.setDaemon(true);
    thread.start();
    return thread;
  }

  private static String relayStates(Shop shop) {
    StringBuilder states = new StringBuilder();
    for (ShopService service : ShopService.values()) {
      states.append(states.isEmpty() ? "" : ", ").append(service.shortName()).append(' ')
          .append(shop.relayState(service));
    }
    return states.toString();
  }

  private static Map<String, Long> ordersByStatus(Shop shop) throws SQLException {
    Map<String, Long> counts = new TreeMap<>();
    try (Connection connection = shop.database(ShopService.ORDER).dataSource().getConnection();
         Statement statement = connection.createStatement();
         ResultSet rs = statement.executeQuery("SELECT status, count(*) FROM orders GROUP BY status")) {
      while (rs.next()) {
        counts.put(rs.getString(1), rs.getLong(2));
      }
    }
    return counts;
  }

  /**
   * Quiet: no order PENDING, no consumer group behind its topics, and every service's outbox rows in its
   * topic (counting records, less the injected copies), twice in a row a second apart.
   */
  private boolean awaitQuiet(Shop shop, Redelivery redelivery) throws InterruptedException {
    long deadline = System.nanoTime() + options.quietTimeout().toNanos();
    long nextProgress = System.nanoTime();
    int quietChecks = 0;
    try (ShopKafka kafka = new ShopKafka(shop.kafkaProperties())) {
      while (System.nanoTime() < deadline) {
        long pending;
        long lag = 0;
        long unrelayed = 0;
        try {
          pending = ordersByStatus(shop).getOrDefault("PENDING", 0L);
          long rows = 0;
          for (ShopService service : ShopService.values()) {
            lag += kafka.lag(service.serviceName(), service.consumedTopics(shop.flow()));
            rows += count(shop, service, "SELECT count(*) FROM outbox_event");
          }
          // the saga's reply topic carries two services' events: compare the totals
          long relayed = 0;
          for (String topic : ShopService.topics(shop.flow())) {
            relayed += kafka.records(topic) - redelivery.copiesIn(topic);
          }
          unrelayed = Math.max(0, rows - relayed);
        } catch (SQLException | RuntimeException e) {
          console.step("not quiet yet: %s", e.getMessage());
          quietChecks = 0;
          Thread.sleep(1000);
          continue;
        }
        if (pending == 0 && lag == 0 && unrelayed == 0) {
          if (++quietChecks == 2) {
            return true;
          }
        } else {
          quietChecks = 0;
        }
        if (System.nanoTime() >= nextProgress) {
          console.step("settling: %d orders PENDING, consumer lag %d records, %d events not relayed yet", pending,
              lag, unrelayed);
          nextProgress = System.nanoTime() + PROGRESS_MILLIS * 1_000_000;
        }
        Thread.sleep(1000);
      }
    }
    return false;
  }

  private static long count(Shop shop, ShopService service, String sql) throws SQLException {
    try (Connection connection = shop.database(service).dataSource().getConnection();
         Statement statement = connection.createStatement();
         ResultSet rs = statement.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }
}
