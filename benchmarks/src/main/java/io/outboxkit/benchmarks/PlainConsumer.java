package io.outboxkit.benchmarks;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import javax.sql.DataSource;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/** Baseline of the inbox benchmark: the same database effect, one transaction per poll, no deduplication. */
final class PlainConsumer implements MeasuredConsumer {

  @Override
  public String name() {
    return "plain consumer (baseline)";
  }

  @Override
  public String describe() {
    return ProjectionEffect.DESCRIPTION + "; one transaction per poll on a connection from the pool; no"
        + " deduplication";
  }

  @Override
  public void prepare(DataSource dataSource) {
    SqlScripts.run(dataSource, "projection.sql");
  }

  @Override
  public Session open(DataSource dataSource) {
    return new Session() {
      @Override
      public void process(List<ConsumerRecord<byte[], byte[]>> records) throws SQLException {
        try (Connection connection = dataSource.getConnection()) {
          connection.setAutoCommit(false);
          try (ProjectionEffect effect = new ProjectionEffect(connection)) {
            effect.apply(records);
            connection.commit();
          } catch (SQLException | RuntimeException e) {
            connection.rollback();
            throw e;
          }
        }
      }

      @Override
      public void close() {
        // connections go back to the pool after each poll
      }
    };
  }
}
