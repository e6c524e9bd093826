package io.outboxkit.saga;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.outboxkit.test.OutboxIntegrationTest;
import io.outboxkit.test.TestDatabase;
import io.outboxkit.test.TestKafka;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Sagas end to end: orchestrator and participants through the outbox, the relay, Kafka and the inbox. */
@OutboxIntegrationTest
class SagaIT {

  @Test
  void aSagaRunsEveryStepOnceAndStartsOncePerId(TestDatabase db, TestKafka kafka) throws Exception {
    try (SagaFixture fixture = new SagaFixture(db, kafka)) {
      SagaOrchestrator orchestrator = orchestrator(fixture, Duration.ofSeconds(30));
      fixture.consume("inventory", "inventory", OrderSaga.inventory(fixture).commandHandler());
      fixture.consume("payment", "payment", OrderSaga.payment(fixture).commandHandler());

      try (Connection connection = db.openConnection()) {
        connection.setAutoCommit(false);
        assertThat(orchestrator.start(connection, OrderSaga.TYPE, "rolled-back", new OrderSaga.Data("rolled-back", 5, "")))
            .isTrue();
        connection.rollback();
        assertThat(orchestrator.start(connection, OrderSaga.TYPE, "o-1", new OrderSaga.Data("o-1", 5, ""))).isTrue();
        assertThat(orchestrator.start(connection, OrderSaga.TYPE, "o-1", new OrderSaga.Data("o-1", 7, ""))).isFalse();
        connection.commit();
      }
      assertThat(orchestrator.start(OrderSaga.TYPE, "o-1", new OrderSaga.Data("o-1", 9, ""))).isFalse();

      SagaInstance done = SagaFixture.awaitState(orchestrator, OrderSaga.TYPE, "o-1", SagaState.COMPLETED);
      JsonNode data = new ObjectMapper().readTree(done.data());
      assertThat(data.get("paymentId").asText()).isEqualTo("pay-o-1");
      assertThat(data.get("amount").asInt()).isEqualTo(5);
      assertThat(fixture.effects("o-1")).containsExactly("reserve", "charge", "approve");
      assertThat(orchestrator.find(OrderSaga.TYPE, "rolled-back")).isEmpty();
      assertThat(fixture.effects("rolled-back")).isEmpty();
      assertThat(events(orchestrator.history(OrderSaga.TYPE, "o-1"))).containsExactly(
          "SAGA STARTED reserve-stock", "ACTION SENT reserve-stock", "ACTION SUCCEEDED reserve-stock",
          "ACTION SENT charge-payment", "ACTION SUCCEEDED charge-payment", "ACTION SUCCEEDED approve",
          "SAGA COMPLETED approve");
    }
  }

  @ParameterizedTest(name = "failing at {0}")
  @CsvSource({
      "reserve-stock, ''",
      "charge-payment, 'reserve,release'",
      "approve, 'reserve,charge,refund,release'"})
  void aFailedStepCompensatesTheCompletedStepsOnceInReverse(String failAt, String expected, TestDatabase db,
      TestKafka kafka) throws Exception {
    try (SagaFixture fixture = new SagaFixture(db, kafka)) {
      SagaOrchestrator orchestrator = orchestrator(fixture, Duration.ofSeconds(30));
      fixture.consume("inventory", "inventory", OrderSaga.inventory(fixture).commandHandler());
      fixture.consume("payment", "payment", OrderSaga.payment(fixture).commandHandler());

      orchestrator.start(OrderSaga.TYPE, "f-1", new OrderSaga.Data("f-1", 5, failAt));

      SagaInstance compensated = SagaFixture.awaitState(orchestrator, OrderSaga.TYPE, "f-1", SagaState.COMPENSATED);
      assertThat(compensated.lastError()).contains(failAt);
      List<String> effects = fixture.effects("f-1");
      assertThat(String.join(",", effects)).isEqualTo(expected);
      List<String> history = events(orchestrator.history(OrderSaga.TYPE, "f-1"));
      if (!failAt.equals("approve")) {
        // the failed participant step is compensated too: a null compensation, since its action rolled back
        assertThat(history).contains("COMPENSATION COMPENSATED " + failAt + " null compensation: the action had"
            + " not been applied");
      }
      assertThat(history).last().isEqualTo("SAGA COMPENSATED reserve-stock");
    }
  }

  @Test
  void theSagaDeadlineEndsAWaitNoStepTimeoutWouldEndAndTheMetersShowIt(TestDatabase db, TestKafka kafka)
      throws Exception {
    try (SagaFixture fixture = new SagaFixture(db, kafka)) {
      SimpleMeterRegistry meters = new SimpleMeterRegistry();
      // a step timeout of ten minutes: only the saga's own deadline of 10 s can end the wait for the payment
      // (long enough that the first step ends well before it, even on a busy machine)
      SagaOrchestrator orchestrator = SagaOrchestrator.builder(fixture.dataSource, fixture.writer)
          .definition(OrderSaga.builder(Duration.ofMinutes(10)).timeout(Duration.ofSeconds(10)).build())
          .scanInterval(Duration.ofMillis(200))
          .meterRegistry(meters)
          .build();
      orchestrator.startScanner();
      fixture.closeLater(orchestrator);
      fixture.consume(orchestrator.replyChannel(), "orchestrator", orchestrator.replyHandler());
      fixture.consume("inventory", "inventory", OrderSaga.inventory(fixture).commandHandler());

      orchestrator.start(OrderSaga.TYPE, "late-1", new OrderSaga.Data("late-1", 5, ""));

      // the payment service is down: the saga waits at charge-payment until its deadline passes
      await("the saga's deadline").atMost(SagaFixture.TIMEOUT).pollInterval(Duration.ofMillis(100))
          .until(() -> events(orchestrator.history(OrderSaga.TYPE, "late-1")),
              history -> history.contains("SAGA TIMED_OUT charge-payment"));
      // the payment service comes back: it runs the charge that was sent, then its refund
      fixture.consume("payment", "payment", OrderSaga.payment(fixture).commandHandler());

      SagaInstance compensated = SagaFixture.awaitState(orchestrator, OrderSaga.TYPE, "late-1", SagaState.COMPENSATED);
      assertThat(compensated.lastError()).contains("deadline").contains("charge-payment");
      assertThat(fixture.effects("late-1")).containsExactly("reserve", "charge", "refund", "release");

      assertThat(meters.get("outboxkit.saga.started").tag("saga.type", OrderSaga.TYPE).counter().count())
          .isEqualTo(1);
      assertThat(meters.get("outboxkit.saga.compensating").tag("saga.type", OrderSaga.TYPE).counter().count())
          .isEqualTo(1);
      Timer duration = meters.get("outboxkit.saga.duration").tag("state", "compensated").timer();
      assertThat(duration.count()).isEqualTo(1);
      assertThat(duration.totalTime(TimeUnit.MILLISECONDS)).isGreaterThanOrEqualTo(10_000);
      assertThat(meters.get("outboxkit.saga.step.duration").tag("step", "reserve-stock").tag("phase", "action")
          .tag("outcome", "success").timer().count()).isEqualTo(1);
      assertThat(meters.get("outboxkit.saga.step.duration").tag("step", "charge-payment").tag("phase", "compensation")
          .tag("outcome", "success").timer().count()).isEqualTo(1);
      assertThat(meters.get("outboxkit.saga.duration").tag("state", "completed").timer().count()).isZero();
      await("the late charge reply is ignored").atMost(SagaFixture.TIMEOUT)
          .until(() -> meters.get("outboxkit.saga.replies.ignored").counter().count() >= 1);
    }
  }

  @Test
  void aParticipantDownLongerThanTheTimeoutIsRetriedThenCompensatedAndItsLateWorkChangesNothing(TestDatabase db,
      TestKafka kafka) throws Exception {
    try (SagaFixture fixture = new SagaFixture(db, kafka)) {
      SimpleMeterRegistry meters = new SimpleMeterRegistry();
      SagaOrchestrator orchestrator = orchestrator(fixture,
          OrderSaga.builder(Duration.ofSeconds(60), Duration.ofSeconds(2)).build(), meters);
      fixture.consume("inventory", "inventory", OrderSaga.inventory(fixture).commandHandler());
      kafka.createTopic(fixture.topic("payment"), 2);

      orchestrator.start(OrderSaga.TYPE, "d-1", new OrderSaga.Data("d-1", 5, ""));

      await("charge sent twice, then compensating").atMost(SagaFixture.TIMEOUT).pollInterval(Duration.ofMillis(200))
          .until(() -> orchestrator.find(OrderSaga.TYPE, "d-1").orElseThrow().state() == SagaState.COMPENSATING);
      List<String> history = events(orchestrator.history(OrderSaga.TYPE, "d-1"));
      assertThat(history).containsSubsequence("ACTION SENT charge-payment", "ACTION TIMED_OUT charge-payment",
          "ACTION SENT charge-payment", "ACTION TIMED_OUT charge-payment", "SAGA COMPENSATING charge-payment",
          "COMPENSATION SENT charge-payment");
      assertThat(fixture.effects("d-1")).containsExactly("reserve");

      // the payment service comes back: it finds both charges and the refunds, in order
      fixture.consume("payment", "payment", OrderSaga.payment(fixture).commandHandler());

      SagaFixture.awaitState(orchestrator, OrderSaga.TYPE, "d-1", SagaState.COMPENSATED);
      assertThat(fixture.effects("d-1")).containsExactly("reserve", "charge", "refund", "release");
      await("the late charge replies are ignored").atMost(SagaFixture.TIMEOUT)
          .until(() -> events(orchestrator.history(OrderSaga.TYPE, "d-1")).stream()
              .filter(line -> line.startsWith("ACTION IGNORED charge-payment")).count() >= 2);
      assertThat(fixture.effects("d-1")).containsExactly("reserve", "charge", "refund", "release");
      assertThat(orchestrator.find(OrderSaga.TYPE, "d-1").orElseThrow().state()).isEqualTo(SagaState.COMPENSATED);
      assertThat(meters.get("outboxkit.saga.timeouts").tag("phase", "action").counter().count()).isEqualTo(2);
      assertThat(meters.get("outboxkit.saga.replies.ignored").counter().count()).isGreaterThanOrEqualTo(2);
      assertThat(orchestrator.stats().timedOut()).isEqualTo(2);
    }
  }

  @Test
  void theBarrierRefusesAnActionAfterItsCompensationAndRunsARepeatedCommandOnce(TestDatabase db, TestKafka kafka)
      throws Exception {
    try (SagaFixture fixture = new SagaFixture(db, kafka)) {
      fixture.consume("payment", "payment", OrderSaga.payment(fixture).commandHandler());
      String replies = fixture.topic("race-replies");
      kafka.createTopic(replies, 1);

      // compensation first (reordered delivery), then its action
      command(fixture, "race-1", "COMPENSATION", "RefundPayment");
      command(fixture, "race-1", "ACTION", "ChargePayment");
      // the same action twice (a resend after a timeout)
      command(fixture, "twice-1", "ACTION", "ChargePayment");
      command(fixture, "twice-1", "ACTION", "ChargePayment");

      List<ConsumerRecord<byte[], byte[]>> records = kafka.readRecords(replies, 4, SagaFixture.TIMEOUT);
      assertThat(records).hasSize(4);
      List<String> race = replies(records, "race-1");
      assertThat(race).containsExactly("COMPENSATION SUCCESS NONE null null",
          "ACTION FAILURE NONE " + SagaParticipant.COMPENSATED_BEFORE_ACTION + " null");
      List<String> twice = replies(records, "twice-1");
      assertThat(twice).hasSize(2).allSatisfy(reply -> assertThat(reply).startsWith("ACTION SUCCESS APPLIED null {"));
      assertThat(twice.get(1)).as("the repeated command's reply carries the first reply's data").isEqualTo(twice.get(0));
      String body = twice.get(0).substring("ACTION SUCCESS APPLIED null ".length());
      assertThat(new ObjectMapper().readTree(body).get("paymentId").asText()).isEqualTo("pay-twice-1");
      assertThat(fixture.effects("race-1")).isEmpty();
      assertThat(fixture.effects("twice-1")).containsExactly("charge");
    }
  }

  @Test
  void malformedRepliesAndUnknownCommandsAreDeadLetteredAndNothingElseIsStuck(TestDatabase db, TestKafka kafka)
      throws Exception {
    try (SagaFixture fixture = new SagaFixture(db, kafka)) {
      SagaOrchestrator orchestrator = orchestrator(fixture, Duration.ofSeconds(30));
      fixture.consume("inventory", "inventory", OrderSaga.inventory(fixture).commandHandler());
      fixture.consume("payment", "payment", OrderSaga.payment(fixture).commandHandler());
      kafka.createTopic(fixture.topic("saga-replies.dlq"), 1);
      kafka.createTopic(fixture.topic("payment.dlq"), 1);

      try (Connection connection = db.openConnection()) {
        connection.setAutoCommit(false);
        fixture.writer.publish(connection, "saga-replies", "x", SagaHeaders.REPLY_EVENT_TYPE, "{}");
        fixture.writer.publish(connection, new io.outboxkit.core.OutboxEvent("saga-replies", "nobody",
            SagaHeaders.REPLY_EVENT_TYPE, null, Map.of(SagaHeaders.SAGA_TYPE, OrderSaga.TYPE, SagaHeaders.SAGA_ID,
            "nobody", SagaHeaders.STEP, "0", SagaHeaders.PHASE, "ACTION", SagaHeaders.OUTCOME, "SUCCESS")));
        connection.commit();
      }
      command(fixture, "unknown-1", "ACTION", "MakeCoffee");
      orchestrator.start(OrderSaga.TYPE, "ok-1", new OrderSaga.Data("ok-1", 5, ""));

      List<ConsumerRecord<byte[], byte[]>> replyDeadLetters =
          kafka.readRecords(fixture.topic("saga-replies.dlq"), 2, SagaFixture.TIMEOUT);
      assertThat(replyDeadLetters).extracting(record -> reason(record))
          .anySatisfy(reason -> assertThat(reason).contains("has no saga-type header"))
          .anySatisfy(reason -> assertThat(reason).contains("nobody, which does not exist"));
      List<ConsumerRecord<byte[], byte[]>> commandDeadLetters =
          kafka.readRecords(fixture.topic("payment.dlq"), 1, SagaFixture.TIMEOUT);
      assertThat(reason(commandDeadLetters.get(0))).contains("'MakeCoffee'").contains("no handler");
      SagaFixture.awaitState(orchestrator, OrderSaga.TYPE, "ok-1", SagaState.COMPLETED);
      assertThat(fixture.effects("ok-1")).containsExactly("reserve", "charge", "approve");
    }
  }

  static SagaOrchestrator orchestrator(SagaFixture fixture, Duration stepTimeout) {
    return orchestrator(fixture, OrderSaga.definition(stepTimeout));
  }

  static SagaOrchestrator orchestrator(SagaFixture fixture, SagaDefinition<OrderSaga.Data> definition) {
    return orchestrator(fixture, definition, new SimpleMeterRegistry());
  }

  static SagaOrchestrator orchestrator(SagaFixture fixture, SagaDefinition<OrderSaga.Data> definition,
      MeterRegistry meters) {
    SagaOrchestrator orchestrator = SagaOrchestrator.builder(fixture.dataSource, fixture.writer)
        .definition(definition)
        .scanInterval(Duration.ofMillis(200))
        .meterRegistry(meters)
        .build();
    orchestrator.startScanner();
    fixture.closeLater(orchestrator);
    fixture.consume(orchestrator.replyChannel(), "orchestrator", orchestrator.replyHandler());
    return orchestrator;
  }

  /** Writes a payment command for step 1 of an order saga, replying to race-replies. */
  private static void command(SagaFixture fixture, String sagaId, String phase, String type) throws Exception {
    try (Connection connection = fixture.db.openConnection()) {
      connection.setAutoCommit(false);
      fixture.writer.publish(connection, new io.outboxkit.core.OutboxEvent("payment", sagaId, type,
          "{\"orderId\":\"" + sagaId + "\",\"amount\":5,\"fail\":false}",
          Map.of(SagaHeaders.SAGA_TYPE, OrderSaga.TYPE, SagaHeaders.SAGA_ID, sagaId, SagaHeaders.STEP, "1",
              SagaHeaders.STEP_NAME, "charge-payment", SagaHeaders.PHASE, phase, SagaHeaders.REPLY_TO,
              "race-replies")));
      connection.commit();
    }
  }

  private static List<String> replies(List<ConsumerRecord<byte[], byte[]>> records, String sagaId) {
    return records.stream().filter(record -> sagaId.equals(header(record, SagaHeaders.SAGA_ID)))
        .map(record -> header(record, SagaHeaders.PHASE) + " " + header(record, SagaHeaders.OUTCOME) + " "
            + header(record, SagaHeaders.EFFECT) + " " + header(record, SagaHeaders.REASON) + " "
            + (record.value() == null ? "null" : new String(record.value(), StandardCharsets.UTF_8)))
        .toList();
  }

  private static String reason(ConsumerRecord<byte[], byte[]> record) {
    return String.valueOf(header(record, io.outboxkit.core.DeadLetterHeaders.ERROR_MESSAGE));
  }

  private static String header(ConsumerRecord<byte[], byte[]> record, String name) {
    Header header = record.headers().lastHeader(name);
    return header == null || header.value() == null ? null : new String(header.value(), StandardCharsets.UTF_8);
  }

  static List<String> events(List<SagaHistoryEntry> history) {
    return history.stream().map(entry -> entry.phase() + " " + entry.event() + " " + entry.stepName()
        + (entry.detail() == null || !entry.event().equals("COMPENSATED") ? "" : " " + entry.detail())).toList();
  }
}
