package io.outboxkit.saga;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.outboxkit.inbox.kafka.InboxKafkaRunner;
import io.outboxkit.test.OutboxIntegrationTest;
import io.outboxkit.test.TestDatabase;
import io.outboxkit.test.TestKafka;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;

/**
 * The batch handlers ({@link SagaOrchestrator#replyBatchHandler()}, {@link SagaParticipant#commandBatchHandler()}):
 * the records of one poll in one transaction, with the same outcome per saga as one record at a time.
 */
@OutboxIntegrationTest
class SagaBatchIT {

  private static final String[] FAIL_AT = {"", "reserve-stock", "charge-payment", "approve"};
  private static final Map<String, String> EFFECTS = Map.of(
      "", "reserve,charge,approve",
      "reserve-stock", "",
      "charge-payment", "reserve,release",
      "approve", "reserve,charge,refund,release");

  @Test
  void manySagasMovedInBatchesEndAsTheirDataSaysWithEachEffectOnce(TestDatabase db, TestKafka kafka)
      throws Exception {
    int sagas = 120;
    try (SagaFixture fixture = new SagaFixture(db, kafka)) {
      SagaOrchestrator orchestrator = SagaOrchestrator.builder(fixture.dataSource, fixture.writer)
          .definition(OrderSaga.definition(Duration.ofMinutes(2)))
          .build();
      fixture.closeLater(orchestrator);
      // a reply that is not one (no saga headers) waits at the head of the reply topic: its batch fails, the
      // runner takes those records one at a time and dead-letters it alone
      String replyTopic = fixture.topic(orchestrator.replyChannel());
      kafka.createTopic(replyTopic, 2);
      try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(kafka.producerProperties(),
          new ByteArraySerializer(), new ByteArraySerializer())) {
        for (int partition = 0; partition < 2; partition++) {
          ProducerRecord<byte[], byte[]> bad = new ProducerRecord<>(replyTopic, partition,
              ("junk-" + partition).getBytes(StandardCharsets.UTF_8), "{}".getBytes(StandardCharsets.UTF_8));
          bad.headers().add("id", ("junk-" + partition).getBytes(StandardCharsets.UTF_8));
          producer.send(bad).get();
        }
      }
      // every saga starts in one transaction, so that commands and replies arrive many to a poll
      try (Connection connection = fixture.dataSource.getConnection()) {
        connection.setAutoCommit(false);
        for (int i = 0; i < sagas; i++) {
          String id = "b-" + i;
          orchestrator.start(connection, OrderSaga.TYPE, id, new OrderSaga.Data(id, 5, FAIL_AT[i % FAIL_AT.length]));
        }
        connection.commit();
      }
      InboxKafkaRunner replies = fixture.consumeBatches(orchestrator.replyChannel(), "orchestrator",
          orchestrator.replyBatchHandler());
      fixture.consumeBatches("inventory", "inventory", OrderSaga.inventory(fixture).commandBatchHandler());
      fixture.consumeBatches("payment", "payment", OrderSaga.payment(fixture).commandBatchHandler());

      await("every saga final").atMost(SagaFixture.TIMEOUT).pollInterval(Duration.ofMillis(250)).until(() ->
          orchestrator.summary(Duration.ZERO).running() + orchestrator.summary(Duration.ZERO).compensating() == 0);
      List<String> wrong = new ArrayList<>();
      for (int i = 0; i < sagas; i++) {
        String id = "b-" + i;
        String failAt = FAIL_AT[i % FAIL_AT.length];
        SagaState expected = failAt.isEmpty() ? SagaState.COMPLETED : SagaState.COMPENSATED;
        SagaInstance instance = orchestrator.find(OrderSaga.TYPE, id).orElseThrow();
        String effects = String.join(",", fixture.effects(id));
        if (instance.state() != expected || !effects.equals(EFFECTS.get(failAt))) {
          wrong.add(id + " " + instance.state() + " [" + effects + "]");
        }
      }
      assertThat(wrong).as("sagas not ended as their data says, or with an effect missing or twice").isEmpty();
      assertThat(orchestrator.stats().ignoredReplies()).isZero();
      await("the junk replies dead-lettered").atMost(SagaFixture.TIMEOUT)
          .until(() -> replies.stats().deadLettered() == 2);
      // the replies were taken many to a transaction: several inbox rows share their transaction's time
      try (Connection connection = db.openConnection();
          PreparedStatement statement = connection.prepareStatement("SELECT count(*), count(DISTINCT received_at)"
              + " FROM inbox_message WHERE consumer = 'orchestrator'");
          ResultSet rows = statement.executeQuery()) {
        rows.next();
        assertThat(rows.getLong(1)).isGreaterThanOrEqualTo(sagas * 2L);
        assertThat(rows.getLong(2)).as("transactions for %d replies", rows.getLong(1)).isLessThan(rows.getLong(1));
      }
    }
  }
}
