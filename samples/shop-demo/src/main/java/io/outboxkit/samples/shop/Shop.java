package io.outboxkit.samples.shop;

import io.outboxkit.relay.OutboxRelay;
import io.outboxkit.relay.RelayStatus;
import io.outboxkit.test.OutboxTestInfrastructure;
import io.outboxkit.test.TestDatabase;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TopicExistsException;
import org.jspecify.annotations.Nullable;
import org.slf4j.bridge.SLF4JBridgeHandler;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.Lifecycle;

/**
 * Everything the demo runs: PostgreSQL and Kafka (embedded, from outbox-test), one database per service, the
 * three services as Spring Boot applications on their own HTTP ports, and one relay per service. All in this
 * JVM, except the Kafka broker and PostgreSQL, and in the saga flow the order service's orchestrator (its reply
 * consumers and timeout scanner), which are child processes: the order service in this JVM takes the orders and
 * starts their sagas with {@code outbox.saga.auto-startup=false}, the orchestrator process advances them, and
 * the demo can kill it with SIGKILL.
 */
final class Shop implements AutoCloseable {

  /** Partitions of each event topic; each service consumes with two listener threads. */
  static final int PARTITIONS = 4;

  private static final Duration RELAY_START_TIMEOUT = Duration.ofSeconds(120);
  private static final Duration ORCHESTRATOR_START_TIMEOUT = Duration.ofSeconds(180);

  private final Flow flow;
  private final Console console;
  private final ShopTracing tracing;
  private final OutboxTestInfrastructure infrastructure;
  private final String bootstrapServers;
  private final Map<ShopService, TestDatabase> databases = new EnumMap<>(ShopService.class);
  private final Map<ShopService, ConfigurableApplicationContext> services = new EnumMap<>(ShopService.class);
  private final Map<ShopService, ConfigurableApplicationContext> relays = new ConcurrentHashMap<>();
  private final Map<ShopService, Integer> ports = new EnumMap<>(ShopService.class);
  private final Map<ShopService, Duration> relayStarts = new ConcurrentHashMap<>();
  private final List<OrchestratorProcess> orchestrators = new ArrayList<>();
  private List<String> orchestratorArgs = List.of();
  private volatile int orchestratorPort;

  private Shop(Flow flow, Console console, ShopTracing tracing, OutboxTestInfrastructure infrastructure) {
    this.flow = flow;
    this.console = console;
    this.tracing = tracing;
    this.infrastructure = infrastructure;
    this.bootstrapServers = infrastructure.kafka().bootstrapServers();
  }

  /**
   * Starts PostgreSQL and Kafka, creates the databases and topics, then starts the services and their relays.
   *
   * @param flow how the services carry each order
   * @param httpPorts the ports of the order, inventory and payment services, 0 for any free port
   * @param serviceArgs more arguments for every service (the faults' settings)
   * @param tracing the SDKs the services and relays trace with
   */
  static Shop start(Flow flow, List<Integer> httpPorts, List<String> serviceArgs, ShopTracing tracing,
      Console console) {
    // the services share this JVM: let logback.xml configure logging once, rather than each Spring Boot
    // application resetting it as it starts
    System.setProperty("org.springframework.boot.logging.LoggingSystem", "none");
    if (!SLF4JBridgeHandler.isInstalled()) {
      // Tomcat logs with java.util.logging; send it to the same log file
      SLF4JBridgeHandler.removeHandlersForRootLogger();
      SLF4JBridgeHandler.install();
    }
    if (isBlank(System.getProperty("outbox.test.provider")) && isBlank(System.getenv("OUTBOX_TEST_PROVIDER"))) {
      System.setProperty("outbox.test.provider", "embedded");
    }
    console.step("starting PostgreSQL and Kafka (provider %s)", isBlank(System.getProperty("outbox.test.provider"))
        ? System.getenv("OUTBOX_TEST_PROVIDER") : System.getProperty("outbox.test.provider"));
    OutboxTestInfrastructure infrastructure = OutboxTestInfrastructure.shared();
    Shop shop = new Shop(flow, console, tracing, infrastructure);
    try {
      console.step("PostgreSQL at %s:%d, Kafka at %s", infrastructure.postgres().host(),
          infrastructure.postgres().port(), shop.bootstrapServers);
      for (ShopService service : ShopService.values()) {
        shop.databases.put(service, infrastructure.newDatabase("shop " + service.shortName()));
      }
      shop.createTopics();
      for (ShopService service : ShopService.values()) {
        shop.startService(service, httpPorts.get(service.ordinal()), serviceArgs);
        if (service == ShopService.ORDER && flow == Flow.SAGA) {
          // its JVM starts while the other services and the relays do
          shop.launchOrchestrator();
        }
      }
      console.step("services up (%s flow): %s", flow.option(), Arrays.stream(ShopService.values()).map(shop::describe)
          .collect(Collectors.joining(", ")));
      for (ShopService service : ShopService.values()) {
        shop.startRelay(service);
      }
      console.step("relays ACTIVE: one per service database, streaming to %s<aggregate type>",
          ShopService.TOPIC_PREFIX);
      if (flow == Flow.SAGA) {
        shop.awaitOrchestrator();
        console.step("order-service's saga orchestrator up in a process of its own (pid %d, :%d); the order service"
            + " takes the orders and starts their sagas", shop.orchestrator().pid(), shop.orchestratorPort);
      }
      return shop;
    } catch (RuntimeException e) {
      shop.close();
      throw e;
    }
  }

  private String describe(ShopService service) {
    return service.serviceName() + " :" + port(service);
  }

  private void createTopics() {
    try (Admin admin = Admin.create(kafkaProperties())) {
      List<NewTopic> topics = new ArrayList<>();
      for (String topic : ShopService.topics(flow)) {
        topics.add(new NewTopic(topic, PARTITIONS, (short) 1));
      }
      for (NewTopic topic : topics) {
        try {
          admin.createTopics(List.of(topic)).all().get(60, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
          if (!(e.getCause() instanceof TopicExistsException)) {
            throw new IllegalStateException("cannot create topic " + topic.name() + ": " + e.getCause().getMessage(), e);
          }
          Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
          for (int p = 0; p < PARTITIONS; p++) {
            latest.put(new TopicPartition(topic.name(), p), OffsetSpec.latest());
          }
          long records = admin.listOffsets(latest).all().get(60, TimeUnit.SECONDS).values().stream()
              .mapToLong(info -> info.offset()).sum();
          if (records > 0) {
            throw new IllegalStateException("topic " + topic.name() + " already holds " + records + " records from "
                + "an earlier run: the demo needs a Kafka broker without its topics");
          }
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while creating the topics", e);
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException("cannot create the topics at " + bootstrapServers + ": " + e.getMessage(), e);
    }
  }

  private void startService(ShopService service, int port, List<String> serviceArgs) {
    TestDatabase database = databases.get(service);
    SpringApplication application = service.application();
    application.setRegisterShutdownHook(false);
    tracing.install(application, service.serviceName(), service == ShopService.ORDER);
    List<String> args = new ArrayList<>(List.of(
        "--spring.datasource.url=" + database.jdbcUrl(),
        "--spring.datasource.username=" + database.username(),
        "--spring.datasource.password=" + database.password(),
        "--spring.kafka.bootstrap-servers=" + bootstrapServers,
        "--spring.main.banner-mode=off",
        "--shop.flow=" + flow.option(),
        // the demo runs each relay beside its service (RelayApplication), so that it can restart one alone
        "--outbox.relay.enabled=false"));
    args.addAll(serviceArgs);
    if (service == ShopService.ORDER && flow == Flow.SAGA) {
      // the orchestrator process runs the same application, on any free port, with its saga consumers on;
      // static membership: a new process after a kill takes the partitions of the one it replaces at once,
      // rather than after the dead consumers' session timeout
      List<String> orchestrator = new ArrayList<>(args);
      orchestrator.addAll(List.of("--server.port=0", "--outbox.saga.auto-startup=true",
          "--spring.kafka.consumer.properties.group.instance.id=order-service-orchestrator"));
      orchestratorArgs = List.copyOf(orchestrator);
      args.add("--outbox.saga.auto-startup=false");
    }
    args.add("--server.port=" + port);
    ConfigurableApplicationContext context = application.run(args.toArray(String[]::new));
    services.put(service, context);
    ports.put(service, Integer.parseInt(context.getEnvironment().getProperty("local.server.port", "0")));
  }

  /** Starts the service's relay and waits until it streams. */
  void startRelay(ShopService service) {
    long started = System.nanoTime();
    TestDatabase database = databases.get(service);
    SpringApplication application = new SpringApplication(RelayApplication.class);
    application.setMainApplicationClass(RelayApplication.class);
    application.setWebApplicationType(WebApplicationType.NONE);
    application.setRegisterShutdownHook(false);
    application.setDefaultProperties(Map.of("spring.config.name", "shop-relay"));
    tracing.install(application, service.serviceName() + "-relay", false);
    ConfigurableApplicationContext context = application.run(
        "--spring.application.name=" + service.serviceName() + "-relay",
        "--spring.datasource.url=" + database.jdbcUrl(),
        "--spring.datasource.username=" + database.username(),
        "--spring.datasource.password=" + database.password(),
        "--spring.kafka.bootstrap-servers=" + bootstrapServers,
        "--spring.main.banner-mode=off",
        "--outbox.publication=" + service.replicationName(),
        "--outbox.replication-slot=" + service.replicationName(),
        "--outbox.relay.enabled=true",
        // three relays share the machine with everything else: a longer Debezium poll interval than the relay's
        // 5 ms gives back the CPU an idle engine spends polling, for some milliseconds per event (relay README)
        "--outbox.relay.debezium-properties[poll.interval.ms]=25",
        "--outbox.writer.enabled=false",
        "--outbox.inbox.enabled=false");
    relays.put(service, context);
    long deadline = System.nanoTime() + RELAY_START_TIMEOUT.toNanos();
    while (true) {
      RelayStatus status = context.getBean(OutboxRelay.class).status();
      switch (status.state()) {
        case ACTIVE -> {
          relayStarts.put(service, Duration.ofNanos(System.nanoTime() - started));
          return;
        }
        case FAILED, STOPPED -> throw new IllegalStateException(service.serviceName() + "'s relay did not start: "
            + status.reason());
        default -> {
          if (System.nanoTime() > deadline) {
            throw new IllegalStateException(service.serviceName() + "'s relay is not ACTIVE after "
                + RELAY_START_TIMEOUT.toSeconds() + " s: " + status.state() + " " + status.reason());
          }
          pause(100);
        }
      }
    }
  }

  /** Starts a JVM for the orchestrator; {@link #awaitOrchestrator} waits until it runs. */
  synchronized void launchOrchestrator() {
    orchestrators.add(OrchestratorProcess.start(orchestrators.size() + 1, orchestratorArgs));
  }

  /** Waits until the last orchestrator process launched runs its consumers. */
  void awaitOrchestrator() {
    orchestratorPort = orchestrator().awaitReady(ORCHESTRATOR_START_TIMEOUT);
  }

  /** The orchestrator process launched last (alive or killed); in the saga flow only. */
  synchronized OrchestratorProcess orchestrator() {
    if (orchestrators.isEmpty()) {
      throw new IllegalStateException("no orchestrator process: the " + flow.option() + " flow has none");
    }
    return orchestrators.get(orchestrators.size() - 1);
  }

  /** Every orchestrator process launched, in order. */
  synchronized List<OrchestratorProcess> orchestrators() {
    return List.copyOf(orchestrators);
  }

  /**
   * Where the order service's saga meters and health are: the orchestrator process in the saga flow (its meters
   * count from its last start), the order service otherwise.
   */
  URI orchestratorUri() {
    return flow == Flow.SAGA ? URI.create("http://localhost:" + orchestratorPort) : uri(ShopService.ORDER);
  }

  /** How long the service's relay took to become ACTIVE the last time it started. */
  Duration lastRelayStart(ShopService service) {
    return relayStarts.getOrDefault(service, Duration.ZERO);
  }

  /** Stops the service's relay: acknowledged events are committed, the rest is sent again after the restart. */
  void stopRelay(ShopService service) {
    ConfigurableApplicationContext context = relays.remove(service);
    if (context != null) {
      context.close();
    }
  }

  /**
   * Stops the service's saga command consumer (the saga flow's participant, run by the starter as the bean
   * {@code sagaParticipantLifecycle}): the commands sent to it wait in Kafka while the rest keeps running.
   */
  void stopParticipant(ShopService service) {
    services.get(service).getBean("sagaParticipantLifecycle", Lifecycle.class).stop();
  }

  /** Starts the service's saga command consumer again: it resumes from its group's committed offsets. */
  void startParticipant(ShopService service) {
    services.get(service).getBean("sagaParticipantLifecycle", Lifecycle.class).start();
  }

  /** The relay's state, {@code STOPPED} while it is not running. */
  String relayState(ShopService service) {
    ConfigurableApplicationContext context = relays.get(service);
    if (context == null || !context.isActive()) {
      return "STOPPED";
    }
    RelayStatus status = context.getBean(OutboxRelay.class).status();
    return status.state().name();
  }

  /** The services' and relays' traces. */
  ShopTracing tracing() {
    return tracing;
  }

  /** How the services carry each order. */
  Flow flow() {
    return flow;
  }

  int port(ShopService service) {
    return ports.getOrDefault(service, 0);
  }

  URI uri(ShopService service) {
    return URI.create("http://localhost:" + port(service));
  }

  TestDatabase database(ShopService service) {
    return databases.get(service);
  }

  String bootstrapServers() {
    return bootstrapServers;
  }

  String postgresDescription() {
    return infrastructure.postgres().host() + ":" + infrastructure.postgres().port() + " (user "
        + infrastructure.postgres().username() + ")";
  }

  /** Connection settings for the demo's own Kafka clients. */
  Properties kafkaProperties() {
    Properties properties = new Properties();
    properties.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    properties.put(CommonClientConfigs.CLIENT_ID_CONFIG, "shop-demo");
    return properties;
  }

  /** Stops the services and the relays (all at once); PostgreSQL and Kafka stop when the JVM exits. */
  @Override
  public void close() {
    List<CompletableFuture<Void>> closing = new ArrayList<>();
    List<ConfigurableApplicationContext> contexts = new ArrayList<>(services.values());
    contexts.addAll(relays.values());
    services.clear();
    relays.clear();
    for (ConfigurableApplicationContext context : contexts) {
      closing.add(CompletableFuture.runAsync(context::close));
    }
    for (OrchestratorProcess orchestrator : orchestrators()) {
      if (orchestrator.isAlive()) {
        closing.add(CompletableFuture.runAsync(orchestrator::stop));
      }
    }
    for (CompletableFuture<Void> future : closing) {
      try {
        future.get(90, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      } catch (ExecutionException | TimeoutException e) {
        console.step("warning: a service did not stop cleanly: %s", e.getMessage());
      }
    }
    // one traces file for the whole run: the orchestrator processes' spans join the others
    for (OrchestratorProcess orchestrator : orchestrators()) {
      try {
        tracing.adopt(orchestrator.tracesFile());
      } catch (IOException e) {
        console.step("warning: the spans of orchestrator process %d stay in %s: %s", orchestrator.pid(),
            orchestrator.tracesFile(), e.getMessage());
      }
    }
    tracing.close();
  }

  private static boolean isBlank(@Nullable String value) {
    return value == null || value.isBlank();
  }

  static void pause(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }
}
