package io.outboxkit.inbox.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import io.outboxkit.inbox.EffectTable;
import io.outboxkit.inbox.Inbox;
import io.outboxkit.test.OutboxIntegrationTest;
import io.outboxkit.test.TestDatabase;
import java.time.Duration;
import java.util.List;
import javax.sql.DataSource;
import org.apache.kafka.clients.consumer.CommitFailedException;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

/**
 * The poll loop with the inbox on PostgreSQL and Kafka's MockConsumer: records whose offsets were never
 * committed come back to the partition's next owner, and the inbox recognizes them.
 */
@OutboxIntegrationTest
class PollLoopRedeliveryIT {

  private static final TopicPartition P0 = new TopicPartition("orders", 0);
  private static final List<String> IDS = List.of("e-1", "e-2", "e-3");

  @Test
  void recordsRedeliveredToTheNextOwnerAreDuplicatesAndTheirEffectsStayApplied(TestDatabase db) throws Exception {
    DataSource ds = db.dataSource();
    EffectTable.install(ds);
    Inbox inbox = Inbox.builder(ds).build();
    InboxHandler handler = (message, connection) -> EffectTable.apply(connection, message.messageId(), "charge");

    PartitionLogConsumer first = owner(IDS);
    first.failNextCommit(new CommitFailedException()); // the group moved on before the commit
    PollLoop firstLoop = loop(inbox, handler, null, first);
    firstLoop.pollOnce();
    firstLoop.finish();
    assertThat(first.committedOffset(P0)).isEqualTo(-1);
    assertThat(EffectTable.count(ds)).isEqualTo(3);

    PartitionLogConsumer next = owner(IDS);
    PollLoop nextLoop = loop(inbox, handler, null, next);
    nextLoop.pollOnce();
    nextLoop.finish();

    assertThat(nextLoop.stats()).isEqualTo(new InboxKafkaRunner.Stats(0, 3, 0, 0, 0, 0));
    assertThat(next.committedOffset(P0)).isEqualTo(3);
    assertThat(EffectTable.count(ds)).isEqualTo(3);
    assertThat(EffectTable.inboxRows(ds)).isEqualTo(3);
  }

  @Test
  void aBatchOfRedeliveredAndNewRecordsAppliesOnlyTheNewOnes(TestDatabase db) throws Exception {
    DataSource ds = db.dataSource();
    EffectTable.install(ds);
    Inbox inbox = Inbox.builder(ds).build();
    InboxBatchHandler handler = (messages, connection) -> {
      for (InboxMessage message : messages) {
        EffectTable.apply(connection, message.messageId(), "charge");
      }
    };

    PartitionLogConsumer first = owner(IDS.subList(0, 2));
    first.failNextCommit(new CommitFailedException());
    PollLoop firstLoop = loop(inbox, null, handler, first);
    firstLoop.pollOnce();
    firstLoop.finish();

    PartitionLogConsumer next = owner(IDS);
    PollLoop nextLoop = loop(inbox, null, handler, next);
    nextLoop.pollOnce();
    nextLoop.finish();

    assertThat(nextLoop.stats()).isEqualTo(new InboxKafkaRunner.Stats(1, 2, 0, 0, 0, 0));
    assertThat(next.committedOffset(P0)).isEqualTo(3);
    assertThat(EffectTable.count(ds)).isEqualTo(3);
  }

  private static PartitionLogConsumer owner(List<String> ids) {
    PartitionLogConsumer consumer = new PartitionLogConsumer();
    for (String id : ids) {
      consumer.append(P0, id);
    }
    return consumer;
  }

  private static PollLoop loop(Inbox inbox, @Nullable InboxHandler handler, @Nullable InboxBatchHandler batchHandler,
      PartitionLogConsumer consumer) {
    RunnerSettings settings = new RunnerSettings(inbox, "billing", handler, batchHandler,
        MessageIdExtractor.idHeader(), InvalidMessageAction.DEAD_LETTER,
        new RetrySchedule(5, Duration.ofMillis(100), Duration.ofMillis(100), 2.0, 0.0), RecordTracing.NONE,
        List.of("orders"), null, Duration.ofSeconds(1));
    DeadLetterPublisher deadLetters = new DeadLetterPublisher(
        () -> new MockProducer<>(true, null, new ByteArraySerializer(), new ByteArraySerializer()), null, ".dlq",
        Duration.ofSeconds(5));
    PollLoop loop = new PollLoop(settings, consumer, deadLetters, System::nanoTime);
    loop.subscribe();
    consumer.assignPartitions(List.of(P0));
    return loop;
  }
}
