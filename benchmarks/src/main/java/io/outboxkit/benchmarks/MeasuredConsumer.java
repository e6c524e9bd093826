package io.outboxkit.benchmarks;

import java.sql.SQLException;
import java.util.List;
import javax.sql.DataSource;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * One way of applying the inbox benchmark's database effect to each polled batch: plainly (the baseline), or
 * through OutboxKit's inbox, which also records each message id and skips duplicates.
 */
interface MeasuredConsumer {

  /** Short name for the results. */
  String name();

  /** What a batch does, for the settings section. */
  String describe();

  /** Creates the tables in a fresh database. */
  void prepare(DataSource dataSource);

  /** Opens what one consumer thread needs; {@code dataSource} is a connection pool. */
  Session open(DataSource dataSource) throws SQLException;

  /** One consumer thread's resources. Not thread-safe. */
  interface Session extends AutoCloseable {

    /**
     * Applies the effect of every record of a poll and commits it to the database; the harness commits
     * the Kafka offsets afterwards.
     */
    void process(List<ConsumerRecord<byte[], byte[]>> records) throws SQLException;

    @Override
    void close() throws SQLException;
  }
}
