package io.outboxkit.saga;

import java.time.Duration;

/** The saga the integration tests run: reserve stock, charge payment, approve locally. */
final class OrderSaga {

  static final String TYPE = "place-order";

  /** The saga's data: mutable, Jackson reads and writes the public fields. */
  public static final class Data {
    public String orderId;
    public int amount;
    public String failAt = "";
    public String paymentId;

    public Data() {
    }

    Data(String orderId, int amount, String failAt) {
      this.orderId = orderId;
      this.amount = amount;
      this.failAt = failAt;
    }
  }

  /** A command's body. */
  record Command(String orderId, int amount, boolean fail) {
  }

  /** The payment's success reply. */
  record Charged(String paymentId) {
  }

  private OrderSaga() {
  }

  static SagaDefinition.Builder<Data> builder(Duration stepTimeout) {
    return builder(stepTimeout, stepTimeout);
  }

  /** The saga with one timeout for reserve-stock and another for charge-payment. */
  static SagaDefinition.Builder<Data> builder(Duration reserveTimeout, Duration stepTimeout) {
    SagaDefinition.Builder<Data> saga = SagaDefinition.builder(TYPE, Data.class);
    saga.step("reserve-stock")
        .invoke("inventory", "ReserveStock", d -> new Command(d.orderId, d.amount, d.failAt.equals("reserve-stock")))
        .compensate("ReleaseStock", d -> new Command(d.orderId, d.amount, false))
        .timeout(reserveTimeout)
        .compensationRetry(RetryPolicy.fixed(60, Duration.ofMillis(300)))
        .step("charge-payment")
        .invoke("payment", "ChargePayment", d -> new Command(d.orderId, d.amount, d.failAt.equals("charge-payment")))
        .compensate("RefundPayment", d -> new Command(d.orderId, d.amount, false))
        .onReply(Charged.class, (d, charged) -> d.paymentId = charged.paymentId())
        .timeout(stepTimeout)
        .retry(RetryPolicy.fixed(2, Duration.ofMillis(200)))
        .compensationRetry(RetryPolicy.fixed(60, Duration.ofMillis(300)))
        .step("approve")
        .local((d, connection) -> {
          if (d.failAt.equals("approve")) {
            throw new IllegalStateException("approval refused");
          }
          SagaFixture.effect(connection, d.orderId, "approve");
        });
    return saga;
  }

  static SagaDefinition<Data> definition(Duration stepTimeout) {
    return builder(stepTimeout).build();
  }

  static SagaParticipant inventory(SagaFixture fixture) {
    return SagaParticipant.builder(fixture.dataSource, fixture.writer)
        .onAction("ReserveStock", Command.class, (command, context) -> {
          if (command.fail()) {
            return Reply.failure("OUT_OF_STOCK");
          }
          SagaFixture.effect(context.connection(), context.sagaId(), "reserve");
          return Reply.success();
        })
        .onCompensation("ReleaseStock", Command.class, (command, context) -> {
          SagaFixture.effect(context.connection(), context.sagaId(), "release");
          return Reply.success();
        })
        .build();
  }

  static SagaParticipant payment(SagaFixture fixture) {
    return SagaParticipant.builder(fixture.dataSource, fixture.writer)
        .onAction("ChargePayment", Command.class, (command, context) -> {
          if (command.fail()) {
            return Reply.failure("CARD_DECLINED");
          }
          SagaFixture.effect(context.connection(), context.sagaId(), "charge");
          return Reply.success(new Charged("pay-" + command.orderId()));
        })
        .onCompensation("RefundPayment", Command.class, (command, context) -> {
          SagaFixture.effect(context.connection(), context.sagaId(), "refund");
          return Reply.success();
        })
        .build();
  }
}
