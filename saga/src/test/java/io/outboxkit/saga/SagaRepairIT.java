package io.outboxkit.saga;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.outboxkit.test.OutboxIntegrationTest;
import io.outboxkit.test.TestDatabase;
import io.outboxkit.test.TestKafka;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/** What an operator meets: a compensation that keeps failing, the FAILED saga, its retry, and retention. */
@OutboxIntegrationTest
class SagaRepairIT {

  @Test
  void aCompensationThatKeepsFailingLeavesTheSagaFailedUntilAnOperatorRetriesIt(TestDatabase db, TestKafka kafka)
      throws Exception {
    try (SagaFixture fixture = new SagaFixture(db, kafka)) {
      AtomicBoolean refundsWork = new AtomicBoolean(false);
      SagaDefinition<OrderSaga.Data> definition = SagaDefinition.builder(OrderSaga.TYPE, OrderSaga.Data.class)
          .step("reserve-stock")
          .invoke("inventory", "ReserveStock", d -> new OrderSaga.Command(d.orderId, d.amount, false))
          .compensate("ReleaseStock", d -> new OrderSaga.Command(d.orderId, d.amount, false))
          .step("charge-payment")
          .invoke("payment", "ChargePayment", d -> new OrderSaga.Command(d.orderId, d.amount, false))
          .compensate("RefundPayment", d -> new OrderSaga.Command(d.orderId, d.amount, false))
          .compensationRetry(RetryPolicy.fixed(3, Duration.ofMillis(200)))
          .step("approve")
          .local((d, connection) -> {
            throw new IllegalStateException("approval refused");
          })
          .build();
      SagaOrchestrator orchestrator = SagaIT.orchestrator(fixture, definition);
      fixture.consume("inventory", "inventory", OrderSaga.inventory(fixture).commandHandler());
      SagaParticipant payment = SagaParticipant.builder(fixture.dataSource, fixture.writer)
          .onAction("ChargePayment", OrderSaga.Command.class, (command, context) -> {
            SagaFixture.effect(context.connection(), context.sagaId(), "charge");
            return Reply.success();
          })
          .onCompensation("RefundPayment", OrderSaga.Command.class, (command, context) -> {
            if (!refundsWork.get()) {
              return Reply.failure("REFUND_SERVICE_DOWN");
            }
            SagaFixture.effect(context.connection(), context.sagaId(), "refund");
            return Reply.success();
          })
          .build();
      fixture.consume("payment", "payment", payment.commandHandler());

      orchestrator.start(OrderSaga.TYPE, "r-1", new OrderSaga.Data("r-1", 5, ""));

      SagaInstance failed = SagaFixture.awaitState(orchestrator, OrderSaga.TYPE, "r-1", SagaState.FAILED);
      assertThat(failed.lastError()).contains("the compensation of step 'charge-payment' failed 3 times")
          .contains("REFUND_SERVICE_DOWN").contains("approval refused");
      assertThat(failed.nextCheckAt()).isNull();
      assertThat(orchestrator.stats().failed()).isEqualTo(1);
      assertThat(orchestrator.list(SagaState.FAILED, 10)).extracting(SagaInstance::sagaId).containsExactly("r-1");
      assertThat(orchestrator.summary(Duration.ofMinutes(1)).failed()).isEqualTo(1);
      List<String> history = SagaIT.events(orchestrator.history(OrderSaga.TYPE, "r-1"));
      assertThat(history.stream().filter("COMPENSATION COMPENSATION_FAILED charge-payment"::equals)).hasSize(3);
      assertThat(history.stream().filter("COMPENSATION RETRY_SCHEDULED charge-payment"::equals)).hasSize(2);
      assertThat(fixture.effects("r-1")).containsExactly("reserve", "charge");

      refundsWork.set(true);
      assertThat(orchestrator.retry(OrderSaga.TYPE, "r-1")).isTrue();
      SagaFixture.awaitState(orchestrator, OrderSaga.TYPE, "r-1", SagaState.COMPENSATED);
      assertThat(fixture.effects("r-1")).containsExactly("reserve", "charge", "refund", "release");
      assertThat(SagaIT.events(orchestrator.history(OrderSaga.TYPE, "r-1"))).contains("SAGA RETRIED charge-payment");
      assertThat(orchestrator.retry(OrderSaga.TYPE, "r-1")).as("only a FAILED saga is retried").isFalse();

      await("finished sagas purged").atMost(SagaFixture.TIMEOUT)
          .until(() -> orchestrator.purge(Duration.ofMillis(1), 10) >= 1);
      assertThat(orchestrator.find(OrderSaga.TYPE, "r-1")).isEmpty();
      assertThat(orchestrator.history(OrderSaga.TYPE, "r-1")).isEmpty();
      // one barrier table in the test's database for both participants: each action and compensation once
      assertThat(payment.purge(Duration.ofMillis(1), 100)).isEqualTo(4);
    }
  }
}
