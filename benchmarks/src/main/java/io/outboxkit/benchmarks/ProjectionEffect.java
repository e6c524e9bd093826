package io.outboxkit.benchmarks;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * The inbox benchmark's database effect: upsert the aggregate's projection row (its last sequence number and
 * event count) for each message, in one JDBC batch, in the caller's transaction. Not thread-safe.
 */
final class ProjectionEffect implements AutoCloseable {

  static final String DESCRIPTION = "per message: INSERT INTO bench_projection ... ON CONFLICT (aggregate_id)"
      + " DO UPDATE (last_seq, events + 1); one JDBC batch per poll";

  private final PreparedStatement upsert;

  ProjectionEffect(Connection connection) throws SQLException {
    upsert = connection.prepareStatement("INSERT INTO public.bench_projection (aggregate_id, last_seq, events)"
        + " VALUES (?, ?, 1) ON CONFLICT (aggregate_id)"
        + " DO UPDATE SET last_seq = EXCLUDED.last_seq, events = public.bench_projection.events + 1");
  }

  void apply(List<ConsumerRecord<byte[], byte[]>> records) throws SQLException {
    if (records.isEmpty()) {
      return;
    }
    for (ConsumerRecord<byte[], byte[]> record : records) {
      long seq = Payloads.seqOf(record.value());
      upsert.setString(1, Payloads.aggregateId(seq));
      upsert.setLong(2, seq);
      upsert.addBatch();
    }
    upsert.executeBatch();
  }

  @Override
  public void close() throws SQLException {
    upsert.close();
  }
}
