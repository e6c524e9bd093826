package io.outboxkit.relay;

import io.debezium.engine.DebeziumEngine;
import io.debezium.engine.RecordChangeEvent;
import io.debezium.engine.StopEngineException;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.connect.source.SourceRecord;

/**
 * Receives Debezium's batches: maps every change event, publishes the batch and marks its events processed
 * only after the broker acknowledged all of them. If the relay stops mid-batch nothing of the batch is
 * marked, so the whole batch is sent again on the next start.
 */
final class RelayChangeConsumer
    implements DebeziumEngine.ChangeConsumer<RecordChangeEvent<SourceRecord>> {

  private final RecordMapper mapper;
  private final KafkaPublisher publisher;

  RelayChangeConsumer(RecordMapper mapper, KafkaPublisher publisher) {
    this.mapper = mapper;
    this.publisher = publisher;
  }

  @Override
  public void handleBatch(List<RecordChangeEvent<SourceRecord>> records,
      DebeziumEngine.RecordCommitter<RecordChangeEvent<SourceRecord>> committer) throws InterruptedException {
    List<RecordMapper.Event> events = new ArrayList<>(records.size());
    List<RecordMapper.Invalid> invalid = List.of();
    for (RecordChangeEvent<SourceRecord> change : records) {
      RecordMapper.Outcome outcome = mapper.map(change.record());
      if (outcome instanceof RecordMapper.Event event) {
        events.add(event);
      } else if (outcome instanceof RecordMapper.Invalid bad) {
        if (invalid.isEmpty()) {
          invalid = new ArrayList<>();
        }
        invalid.add(bad);
      }
    }
    try {
      publisher.publish(events, invalid);
    } catch (InterruptedException e) {
      throw new StopEngineException("relay stopping: " + records.size() + " change event(s) not committed");
    }
    for (RecordChangeEvent<SourceRecord> change : records) {
      committer.markProcessed(change);
    }
    committer.markBatchFinished();
  }

  @Override
  public boolean supportsTombstoneEvents() {
    return false;
  }
}
