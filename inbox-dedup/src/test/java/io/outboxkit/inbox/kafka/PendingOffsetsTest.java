package io.outboxkit.inbox.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.kafka.clients.consumer.CommitFailedException;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.consumer.RetriableCommitFailedException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class PendingOffsetsTest {

  private static final TopicPartition P0 = new TopicPartition("orders", 0);
  private static final TopicPartition P1 = new TopicPartition("orders", 1);

  private final PartitionLogConsumer consumer = new PartitionLogConsumer();
  private final PendingOffsets offsets = new PendingOffsets(consumer, "billing");

  @BeforeEach
  void assignTwoPartitions() {
    consumer.subscribe(List.of("orders"));
    consumer.assignPartitions(List.of(P0, P1));
  }

  @Test
  void commitsTheOffsetAfterTheLastHandledRecordOfEachPartition() {
    offsets.done(P0, record(P0, 3, 7));
    offsets.done(P0, record(P0, 4, 7));
    offsets.done(P1, record(P1, 0, 2));
    offsets.commit();

    assertThat(consumer.committed(Set.of(P0, P1))).containsOnly(
        Map.entry(P0, new OffsetAndMetadata(5, Optional.of(7), "")),
        Map.entry(P1, new OffsetAndMetadata(1, Optional.of(2), "")));
    assertThat(offsets.get(P0)).isNull();
  }

  @Test
  void aRetriableFailureKeepsTheOffsetsForTheNextCommit() {
    offsets.done(P0, record(P0, 3, 0));
    consumer.failNextCommit(new RetriableCommitFailedException("coordinator moving"));
    offsets.commit();
    assertThat(consumer.committedOffset(P0)).isEqualTo(-1);
    assertThat(offsets.get(P0)).isNotNull();

    offsets.commit();
    assertThat(consumer.committedOffset(P0)).isEqualTo(4);
  }

  @Test
  void aCommitRefusedAfterARebalanceDropsTheOffsets() {
    offsets.done(P0, record(P0, 3, 0));
    consumer.failNextCommit(new CommitFailedException());
    offsets.commit();
    assertThat(offsets.get(P0)).isNull();
    offsets.commit();
    assertThat(consumer.committedOffset(P0)).isEqualTo(-1);
  }

  @Test
  void aWakeupMeantForThePollDoesNotLoseTheCommit() {
    offsets.done(P0, record(P0, 3, 0));
    consumer.failNextCommit(new WakeupException());
    offsets.commit();
    assertThat(consumer.committedOffset(P0)).isEqualTo(4);
  }

  @Test
  void revokedPartitionsAreCommittedAndForgottenTheOthersKept() {
    offsets.done(P0, record(P0, 3, 0));
    offsets.done(P1, record(P1, 8, 0));

    Map<TopicPartition, OffsetAndMetadata> committed = offsets.commitRevoked(List.of(P0));

    assertThat(committed).containsOnlyKeys(P0);
    assertThat(consumer.committedOffset(P0)).isEqualTo(4);
    assertThat(consumer.committedOffset(P1)).isEqualTo(-1);
    assertThat(offsets.get(P0)).isNull();
    assertThat(offsets.get(P1)).isNotNull();
  }

  @Test
  void aFailedCommitOfRevokedPartitionsStillForgetsThem() {
    offsets.done(P0, record(P0, 3, 0));
    consumer.failNextCommit(new CommitFailedException());
    assertThat(offsets.commitRevoked(List.of(P0))).containsOnlyKeys(P0);
    assertThat(offsets.get(P0)).isNull();
    assertThat(consumer.committedOffset(P0)).isEqualTo(-1);
  }

  @Test
  void lostPartitionsAreForgottenWithoutACommit() {
    offsets.done(P0, record(P0, 3, 0));
    offsets.forget(List.of(P0));
    offsets.commit();
    assertThat(consumer.committedOffset(P0)).isEqualTo(-1);
  }

  private static ConsumerRecord<byte[], byte[]> record(TopicPartition partition, long offset, int leaderEpoch) {
    return new ConsumerRecord<>(partition.topic(), partition.partition(), offset, 0L, TimestampType.CREATE_TIME, 0,
        0, null, null, new RecordHeaders(), Optional.of(leaderEpoch));
  }
}
