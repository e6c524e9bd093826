package io.outboxkit.samples.shop;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The demo's command-line options.
 *
 * @param flow how the services carry each order: the orchestrated saga or the choreography
 * @param orders how many orders the clients place (0 places none)
 * @param clients how many clients place orders at the same time
 * @param rate orders per second, all clients together (0: as fast as the clients get answers)
 * @param seed the seed of the order mix (products, quantities, customers)
 * @param faults whether to restart a relay, redeliver consumed records and (saga flow) stop the payment
 *     service's saga commands, hold its replies back and make some of the inventory's releases fail twice
 *     while the orders are placed
 * @param keepRunning whether to leave everything running after the report, until Ctrl+C
 * @param ports the HTTP ports of the order, inventory and payment services (0: any free port)
 * @param quietTimeout how long to wait, after the last order, for every order to reach its final status and
 *     every consumer to catch up
 */
record DemoOptions(Flow flow, int orders, int clients, int rate, long seed, boolean faults, boolean keepRunning,
    List<Integer> ports, Duration quietTimeout) {

  static final String USAGE = """
      Usage: java -jar shop-demo.jar [options]
        --flow=F              saga (default: the order service orchestrates, the others take part)
                              or choreography (each service reacts to the others' events)
        --orders=N            orders to place (default 2000; 0 places none)
        --clients=N           concurrent HTTP clients (default 8)
        --rate=N              orders per second, all clients together (default 25; 0: as fast as answered)
        --seed=N              seed of the order mix (default 42)
        --no-faults           no relay restart, redelivery, payment stop, held replies nor failing releases
        --keep-running        keep the services running after the report, until Ctrl+C
        --ports=A,B,C         HTTP ports of order-, inventory- and payment-service
                              (default 8081,8082,8083 with --keep-running, else free ports)
        --quiet-timeout=S     seconds to wait for the system to settle after the last order (default 120)
      """;

  DemoOptions {
    if (flow == null) {
      throw new IllegalArgumentException("--flow is missing");
    }
    if (orders < 0 || orders > 1_000_000) {
      throw new IllegalArgumentException("--orders must be between 0 and 1000000, not " + orders);
    }
    if (clients < 1 || clients > 64) {
      throw new IllegalArgumentException("--clients must be between 1 and 64, not " + clients);
    }
    if (rate < 0 || rate > 100_000) {
      throw new IllegalArgumentException("--rate must be between 0 and 100000, not " + rate);
    }
    if (ports.size() != 3 || ports.stream().anyMatch(port -> port < 0 || port > 65535)) {
      throw new IllegalArgumentException("--ports needs three port numbers (0-65535), not " + ports);
    }
    if (quietTimeout.isNegative() || quietTimeout.isZero()) {
      throw new IllegalArgumentException("--quiet-timeout must be at least 1 second");
    }
    ports = List.copyOf(ports);
  }

  /** The defaults: the saga flow, 2,000 orders from 8 clients at 25 per second, with faults. */
  static DemoOptions defaults() {
    return new DemoOptions(Flow.SAGA, 2000, 8, 25, 42, true, false, List.of(0, 0, 0), Duration.ofSeconds(120));
  }

  DemoOptions withOrders(int orders) {
    return new DemoOptions(flow, orders, clients, rate, seed, faults, keepRunning, ports, quietTimeout);
  }

  DemoOptions withFlow(Flow flow) {
    return new DemoOptions(flow, orders, clients, rate, seed, faults, keepRunning, ports, quietTimeout);
  }

  DemoOptions withClients(int clients) {
    return new DemoOptions(flow, orders, clients, rate, seed, faults, keepRunning, ports, quietTimeout);
  }

  /**
   * Parses the command line.
   *
   * @throws IllegalArgumentException naming the option that is wrong
   */
  static DemoOptions parse(String... args) {
    DemoOptions options = defaults();
    Flow flow = options.flow();
    int orders = options.orders();
    int clients = options.clients();
    int rate = options.rate();
    long seed = options.seed();
    boolean faults = true;
    boolean keepRunning = false;
    List<Integer> ports = null;
    long quietSeconds = options.quietTimeout().toSeconds();
    for (String arg : args) {
      String name = arg.contains("=") ? arg.substring(0, arg.indexOf('=')) : arg;
      String value = arg.contains("=") ? arg.substring(arg.indexOf('=') + 1) : "";
      switch (name) {
        case "--flow" -> flow = Flow.parse(value);
        case "--orders" -> orders = number(name, value);
        case "--clients" -> clients = number(name, value);
        case "--rate" -> rate = number(name, value);
        case "--seed" -> seed = number(name, value);
        case "--no-faults" -> faults = false;
        case "--keep-running" -> keepRunning = true;
        case "--ports" -> {
          ports = new ArrayList<>();
          for (String port : value.split(",", -1)) {
            ports.add(number(name, port.trim()));
          }
        }
        case "--quiet-timeout" -> quietSeconds = number(name, value);
        default -> throw new IllegalArgumentException("unknown option " + arg);
      }
    }
    if (ports == null) {
      ports = keepRunning ? List.of(8081, 8082, 8083) : List.of(0, 0, 0);
    }
    return new DemoOptions(flow, orders, clients, rate, seed, faults, keepRunning, ports, Duration.ofSeconds(quietSeconds));
  }

  private static int number(String option, String value) {
    try {
      return Integer.parseInt(value);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(option + " needs a whole number, not '" + value + "'");
    }
  }
}
