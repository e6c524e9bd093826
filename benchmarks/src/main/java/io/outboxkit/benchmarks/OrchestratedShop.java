package io.outboxkit.benchmarks;

import io.outboxkit.saga.Reply;
import io.outboxkit.saga.SagaDefinition;
import io.outboxkit.saga.SagaOrchestrator;
import io.outboxkit.saga.SagaParticipant;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;

/**
 * The order saga orchestrated by {@link SagaOrchestrator} in the order service; inventory, payment and
 * shipping are {@link SagaParticipant}s behind the barrier. Commands and replies travel through each
 * service's outbox, its relay, Kafka and the receiver's inbox.
 */
final class OrchestratedShop implements SagaFlow {

  static final String TYPE = "place-order";
  /** Long enough that the throughput run's backlog (all sagas started at once) causes no resends. */
  static final Duration STEP_TIMEOUT = Duration.ofMinutes(2);

  /** The saga's data; Jackson reads and writes the public fields. */
  public static final class OrderData {
    public String orderId;
    public int amount;
    public boolean failShipping;

    public OrderData() {
    }

    OrderData(String orderId, int amount, boolean failShipping) {
      this.orderId = orderId;
      this.amount = amount;
      this.failShipping = failShipping;
    }
  }

  /** A command's body. */
  record Command(String orderId, int amount, boolean fail) {
  }

  private final SagaServices services;
  private final SagaOrchestrator orchestrator;

  OrchestratedShop(SagaServices services) {
    this.services = services;
    SagaDefinition<OrderData> definition = SagaDefinition.builder(TYPE, OrderData.class)
        .step("reserve-stock")
        .invoke("inventory", "ReserveStock", d -> new Command(d.orderId, d.amount, false))
        .compensate("ReleaseStock", d -> new Command(d.orderId, d.amount, false))
        .timeout(STEP_TIMEOUT)
        .step("charge-payment")
        .invoke("payment", "ChargePayment", d -> new Command(d.orderId, d.amount, false))
        .compensate("RefundPayment", d -> new Command(d.orderId, d.amount, false))
        .timeout(STEP_TIMEOUT)
        .step("schedule-shipping")
        .invoke("shipping", "ScheduleShipping", d -> new Command(d.orderId, d.amount, d.failShipping))
        .compensate("CancelShipping", d -> new Command(d.orderId, d.amount, false))
        .timeout(STEP_TIMEOUT)
        .build();
    orchestrator = SagaOrchestrator.builder(services.order.pool(), services.order.writer())
        .definition(definition)
        .build();
    services.closeLater(orchestrator);
    orchestrator.startScanner();
    services.topic("inventory");
    services.topic("payment");
    services.topic("shipping");
    services.consume(services.order, "order-saga", orchestrator.replyBatchHandler(), orchestrator.replyChannel());
    services.consume(services.inventory, "inventory", participant(services.inventory, "ReserveStock", "reserve",
        "ReleaseStock", "release").commandBatchHandler(), "inventory");
    services.consume(services.payment, "payment", participant(services.payment, "ChargePayment", "charge",
        "RefundPayment", "refund").commandBatchHandler(), "payment");
    services.consume(services.shipping, "shipping", participant(services.shipping, "ScheduleShipping", "schedule",
        "CancelShipping", "cancel").commandBatchHandler(), "shipping");
  }

  private static SagaParticipant participant(SagaServices.Service service, String action, String effect,
                                             String compensation, String undo) {
    return SagaParticipant.builder(service.pool(), service.writer())
        .onAction(action, Command.class, (command, context) -> {
          if (command.fail()) {
            return Reply.failure("REFUSED");
          }
          SagaServices.effect(context.connection(), command.orderId(), effect);
          return Reply.success();
        })
        .onCompensation(compensation, Command.class, (command, context) -> {
          SagaServices.effect(context.connection(), command.orderId(), undo);
          return Reply.success();
        })
        .build();
  }

  @Override
  public String id() {
    return "orchestrated";
  }

  @Override
  public String describe() {
    return "SagaOrchestrator in the order service (saga row and first command in the transaction of the order"
        + " row, the replies of a poll in one transaction), 3 SagaParticipants with the barrier (inventory, payment, shipping);"
        + " step timeout " + STEP_TIMEOUT.toSeconds() + " s, scanner every "
        + orchestrator.scanInterval().toMillis() + " ms (the default); final = saga row COMPLETED or COMPENSATED"
        + " (its updated_at)";
  }

  @Override
  public void start(String orderId, int amount, boolean failShipping) throws SQLException {
    SagaFlow.inTransaction(services.order.pool(), connection -> {
      SagaFlow.insertOrder(connection, orderId, amount, "PLACED");
      orchestrator.start(connection, TYPE, orderId, new OrderData(orderId, amount, failShipping));
    });
  }

  @Override
  public long unfinished(String prefix) throws SQLException {
    return SagaFlow.count(services.order.pool(), "SELECT count(*) FROM saga_instance WHERE saga_type = '" + TYPE
        + "' AND saga_id LIKE ? AND state IN ('RUNNING', 'COMPENSATING')", prefix);
  }

  @Override
  public List<FinishedSaga> finished(String prefix) throws SQLException {
    return SagaFlow.finished(services.order.pool(), "SELECT saga_id,"
        + " (extract(epoch FROM created_at) * 1000000)::bigint, (extract(epoch FROM updated_at) * 1000000)::bigint,"
        + " state FROM saga_instance WHERE saga_type = '" + TYPE + "' AND saga_id LIKE ?"
        + " AND state NOT IN ('RUNNING', 'COMPENSATING')", prefix, "COMPLETED");
  }

  /** The orchestrator's counters, for the results. */
  String stats() {
    return orchestrator.stats().toString();
  }
}
