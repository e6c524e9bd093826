package io.outboxkit.benchmarks;

import io.outboxkit.core.OutboxHeaders;
import io.outboxkit.inbox.Inbox;
import io.outboxkit.inbox.InboxSchema;
import java.nio.charset.StandardCharsets;
import java.util.List;
import javax.sql.DataSource;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;

/**
 * OutboxKit's inbox ({@link Inbox}) behind the harness's {@link MeasuredConsumer}, in its batch form: one
 * {@link Inbox#processBatch} per poll records the poll's message ids (the {@code id} header) with one
 * statement and applies {@link ProjectionEffect} to the new ones on the same connection, in the same
 * transaction.
 */
final class OutboxKitInbox {

  static final String CONSUMER = "benchmark-projection";

  private OutboxKitInbox() {
  }

  static MeasuredConsumer batch() {
    return new MeasuredConsumer() {
      @Override
      public String name() {
        return "OutboxKit inbox, batch form";
      }

      @Override
      public String describe() {
        return "Inbox.processBatch per poll (message id = the id header, inbox table installed by InboxSchema,"
            + " inbox defaults), the effect " + ProjectionEffect.DESCRIPTION + " for the new messages, in the"
            + " inbox's transaction; connections from the same pool as the baseline's";
      }

      @Override
      public void prepare(DataSource dataSource) {
        InboxSchema.builder().build().install(dataSource);
        SqlScripts.run(dataSource, "projection.sql");
      }

      @Override
      public Session open(DataSource dataSource) {
        Inbox inbox = Inbox.builder(dataSource).joinSpringTransactions(false).build();
        return new Session() {
          @Override
          public void process(List<ConsumerRecord<byte[], byte[]>> records) {
            inbox.processBatch(CONSUMER, records, OutboxKitInbox::messageId, (fresh, connection) -> {
              try (ProjectionEffect effect = new ProjectionEffect(connection)) {
                effect.apply(fresh);
              }
            });
          }

          @Override
          public void close() {
            // the inbox holds no resources of its own
          }
        };
      }
    };
  }

  private static String messageId(ConsumerRecord<byte[], byte[]> record) {
    Header id = record.headers().lastHeader(OutboxHeaders.ID);
    if (id == null || id.value() == null) {
      throw new BenchmarkException("record at offset " + record.offset() + " has no id header");
    }
    return new String(id.value(), StandardCharsets.UTF_8);
  }
}
