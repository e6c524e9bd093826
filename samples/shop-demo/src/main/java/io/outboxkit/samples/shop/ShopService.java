package io.outboxkit.samples.shop;

import io.outboxkit.samples.inventory.InventoryServiceApplication;
import io.outboxkit.samples.order.OrderServiceApplication;
import io.outboxkit.samples.payment.PaymentServiceApplication;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;
import org.springframework.boot.SpringApplication;

/**
 * The three services as the demo sees them from outside: name (also their Kafka consumer group and inbox
 * consumer name), and in each flow the aggregate types of the events they publish, the aggregate types they
 * consume and the event types they react to. The audit uses these to know what each service should have
 * applied.
 */
enum ShopService {

  ORDER("order-service", "order", OrderServiceApplication::application,
      new Role(List.of("order"), List.of("stock", "payment"),
          Set.of("StockRejected", "PaymentCompleted", "PaymentFailed")),
      // its own events, and the commands to the participants; the replies come back to it
      new Role(List.of("order", "inventory", "payment"), List.of("saga-replies"), Set.of("SagaReply"))),
  INVENTORY("inventory-service", "stock", InventoryServiceApplication::application,
      new Role(List.of("stock"), List.of("order", "payment"), Set.of("OrderCreated", "PaymentFailed")),
      new Role(List.of("saga-replies"), List.of("inventory"), Set.of("ReserveStock", "ReleaseStock"))),
  PAYMENT("payment-service", "payment", PaymentServiceApplication::application,
      new Role(List.of("payment"), List.of("stock"), Set.of("StockReserved")),
      new Role(List.of("saga-replies"), List.of("payment"), Set.of("ChargePayment", "RefundPayment")));

  static final String TOPIC_PREFIX = "outbox.event.";

  /**
   * What a service does in one flow.
   *
   * @param published the aggregate types of the events it writes to its outbox
   * @param consumed the aggregate types whose topics it consumes
   * @param handled the event types it applies through its inbox (the others of its topics are filtered out)
   */
  private record Role(List<String> published, List<String> consumed, Set<String> handled) {
  }

  private final String serviceName;
  private final String shortName;
  private final Supplier<SpringApplication> application;
  private final Role choreography;
  private final Role saga;

  ShopService(String serviceName, String shortName, Supplier<SpringApplication> application, Role choreography,
      Role saga) {
    this.serviceName = serviceName;
    this.shortName = shortName;
    this.application = application;
    this.choreography = choreography;
    this.saga = saga;
  }

  /** The service's name, its Kafka consumer group and its inbox consumer name. */
  String serviceName() {
    return serviceName;
  }

  /** The name of the service's replication slot and of its publication, as in its configuration. */
  String replicationName() {
    return serviceName.replace('-', '_');
  }

  /** A short name, for the demo's output and its database. */
  String shortName() {
    return shortName;
  }

  /** The topics the service's relay publishes to in the flow. */
  List<String> publishedTopics(Flow flow) {
    return role(flow).published().stream().map(type -> TOPIC_PREFIX + type).toList();
  }

  /** The topics the service consumes in the flow. */
  List<String> consumedTopics(Flow flow) {
    return role(flow).consumed().stream().map(type -> TOPIC_PREFIX + type).toList();
  }

  /** The event types the service reacts to in the flow (the others of its topics never reach its inbox). */
  Set<String> handledEventTypes(Flow flow) {
    return role(flow).handled();
  }

  /** Every topic of the flow, each once. */
  static List<String> topics(Flow flow) {
    return Arrays.stream(values()).flatMap(service -> service.publishedTopics(flow).stream()).distinct().toList();
  }

  /** A new Spring application of the service. */
  SpringApplication application() {
    return application.get();
  }

  private Role role(Flow flow) {
    return flow == Flow.SAGA ? saga : choreography;
  }
}
