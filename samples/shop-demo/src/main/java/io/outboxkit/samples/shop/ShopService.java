package io.outboxkit.samples.shop;

import io.outboxkit.samples.inventory.InventoryServiceApplication;
import io.outboxkit.samples.order.OrderServiceApplication;
import io.outboxkit.samples.payment.PaymentServiceApplication;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;
import org.springframework.boot.SpringApplication;

/**
 * The three services as the demo sees them from outside: name (also their Kafka consumer group and inbox
 * consumer name), the aggregate type of the events they publish, the aggregate types they consume and the
 * event types they react to. The audit uses these to know what each service should have applied.
 */
enum ShopService {

  ORDER("order-service", "order", List.of("stock", "payment"),
      Set.of("StockRejected", "PaymentCompleted", "PaymentFailed"), OrderServiceApplication::application),
  INVENTORY("inventory-service", "stock", List.of("order", "payment"),
      Set.of("OrderCreated", "PaymentFailed"), InventoryServiceApplication::application),
  PAYMENT("payment-service", "payment", List.of("stock"),
      Set.of("StockReserved"), PaymentServiceApplication::application);

  static final String TOPIC_PREFIX = "outbox.event.";

  private final String serviceName;
  private final String aggregateType;
  private final List<String> consumedAggregateTypes;
  private final Set<String> handledEventTypes;
  private final Supplier<SpringApplication> application;

  ShopService(String serviceName, String aggregateType, List<String> consumedAggregateTypes,
      Set<String> handledEventTypes, Supplier<SpringApplication> application) {
    this.serviceName = serviceName;
    this.aggregateType = aggregateType;
    this.consumedAggregateTypes = consumedAggregateTypes;
    this.handledEventTypes = handledEventTypes;
    this.application = application;
  }

  /** The service's name, its Kafka consumer group and its inbox consumer name. */
  String serviceName() {
    return serviceName;
  }

  /** The name of the service's replication slot and of its publication, as in its configuration. */
  String replicationName() {
    return serviceName.replace('-', '_');
  }

  /** The topic the service's relay publishes to. */
  String topic() {
    return TOPIC_PREFIX + aggregateType;
  }

  /** The short name of the service's stream of events, for the demo's output. */
  String aggregateType() {
    return aggregateType;
  }

  /** The topics the service consumes. */
  List<String> consumedTopics() {
    return consumedAggregateTypes.stream().map(type -> TOPIC_PREFIX + type).toList();
  }

  /** The event types the service reacts to (the others of its topics are filtered out before the inbox). */
  Set<String> handledEventTypes() {
    return handledEventTypes;
  }

  /** A new Spring application of the service. */
  SpringApplication application() {
    return application.get();
  }
}
