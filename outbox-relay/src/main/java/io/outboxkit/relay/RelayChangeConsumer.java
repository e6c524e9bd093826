package io.outboxkit.relay;

import io.debezium.engine.DebeziumEngine;
import io.debezium.engine.RecordChangeEvent;
import io.debezium.engine.StopEngineException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.connect.source.SourceRecord;

/**
 * Receives Debezium's batches: maps every change event, publishes the batch and marks its events processed
 * only after the broker acknowledged all of them. If the relay stops mid-batch nothing of the batch is
 * marked, so the whole batch is sent again on the next start.
 *
 * <p>A graceful stop begins with {@link #drain(long)}: the batch being published may finish (and be marked),
 * later batches are refused before anything of them is sent, which makes Debezium's engine stop by itself and
 * store the position of everything marked. Debezium's own close, by contrast, interrupts the handler at once,
 * which would throw away a batch whose acknowledgements were about to arrive.
 */
final class RelayChangeConsumer
    implements DebeziumEngine.ChangeConsumer<RecordChangeEvent<SourceRecord>> {

  private final RecordMapper mapper;
  private final KafkaPublisher publisher;
  private final StreamWatch watch;
  private final Object lock = new Object();
  private boolean draining; // guarded by lock
  private boolean inBatch; // guarded by lock

  RelayChangeConsumer(RecordMapper mapper, KafkaPublisher publisher, StreamWatch watch) {
    this.mapper = mapper;
    this.publisher = publisher;
    this.watch = watch;
  }

  @Override
  public void handleBatch(List<RecordChangeEvent<SourceRecord>> records,
      DebeziumEngine.RecordCommitter<RecordChangeEvent<SourceRecord>> committer) throws InterruptedException {
    synchronized (lock) {
      if (draining) {
        // nothing of this batch was sent: the next start reads it again, without a duplicate
        throw new StopEngineException("relay stopping: a batch of " + records.size() + " change event(s) left "
            + "unsent for the next start");
      }
      inBatch = true;
    }
    try {
      publishAndMark(records, committer);
    } finally {
      synchronized (lock) {
        inBatch = false;
        lock.notifyAll();
      }
    }
  }

  private void publishAndMark(List<RecordChangeEvent<SourceRecord>> records,
      DebeziumEngine.RecordCommitter<RecordChangeEvent<SourceRecord>> committer) throws InterruptedException {
    List<RecordMapper.Event> events = new ArrayList<>(records.size());
    List<RecordMapper.Invalid> invalid = List.of();
    RecordMapper.Heartbeat heartbeat = null;
    for (RecordChangeEvent<SourceRecord> change : records) {
      RecordMapper.Outcome outcome = mapper.map(change.record());
      if (outcome instanceof RecordMapper.Event event) {
        events.add(event);
      } else if (outcome instanceof RecordMapper.Heartbeat beat) {
        heartbeat = beat;
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
    if (heartbeat != null) {
      watch.delivered(heartbeat.id(), heartbeat.lsn() < 0 ? null : Lsn.format(heartbeat.lsn()));
    } else if (!events.isEmpty() || !invalid.isEmpty()) {
      watch.delivered(-1, null); // progress; Debezium's own heartbeat records alone are not: they come without WAL
    }
    for (RecordChangeEvent<SourceRecord> change : records) {
      committer.markProcessed(change);
    }
    committer.markBatchFinished();
  }

  /**
   * Refuses further batches and waits up to {@code timeoutMillis} for the batch being published, if any, to
   * be acknowledged and marked processed.
   *
   * @return true if no batch is in progress any more; false if one still is when the time is up
   */
  boolean drain(long timeoutMillis) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
    synchronized (lock) {
      draining = true;
      while (inBatch) {
        long remaining = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
        if (remaining <= 0) {
          return false;
        }
        lock.wait(remaining);
      }
      return true;
    }
  }

  @Override
  public boolean supportsTombstoneEvents() {
    return false;
  }
}
