package io.outboxkit.benchmarks;

import io.outboxkit.core.OutboxEvent;
import io.outboxkit.writer.OutboxSchema;
import io.outboxkit.writer.OutboxWriter;
import io.outboxkit.core.WriteMode;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;

/**
 * OutboxKit's writer ({@link OutboxWriter}) behind the harness's {@link MeasuredWriter}: the plain business
 * transaction of a {@link WriterShape} ({@link BusinessRows}) plus the shape's events of {@value Payloads#SIZE}
 * bytes, one for each of the transaction's first orders, written with
 * {@link OutboxWriter#publishAll(Connection, java.util.Collection)} (one event: {@link OutboxWriter#publish}) on
 * the same connection, in the same transaction.
 */
final class OutboxKitWriters {

  private OutboxKitWriters() {
  }

  static MeasuredWriter table(WriterShape shape) {
    return new Writer(WriteMode.TABLE, shape);
  }

  static MeasuredWriter tableDeleteAfterInsert(WriterShape shape) {
    return new Writer(WriteMode.TABLE_DELETE_AFTER_INSERT, shape);
  }

  static MeasuredWriter walMessage(WriterShape shape) {
    return new Writer(WriteMode.WAL_MESSAGE, shape);
  }

  private static final class Writer implements MeasuredWriter {

    private final WriteMode mode;
    private final WriterShape shape;
    /** The writer of the database last prepared; its sessions share it, as a service's threads would. */
    private volatile @Nullable OutboxWriter writer;

    Writer(WriteMode mode, WriterShape shape) {
      this.mode = mode;
      this.shape = shape;
    }

    @Override
    public String name() {
      return "OutboxKit " + mode;
    }

    @Override
    public String describe() {
      int events = shape.events();
      return "the plain transaction plus " + (events == 1 ? "1 event (" : events + " events (")
          + (events == shape.orders() ? "one per order, " : "for the first order(s), ") + Payloads.SIZE
          + "-byte JSON given as a String) with " + (events == 1 ? "OutboxWriter.publish(connection, event)"
          : "OutboxWriter.publishAll(connection, events)") + ", mode " + mode
          + ", writer defaults otherwise" + (mode == WriteMode.WAL_MESSAGE ? "" : "; table and publication"
          + " installed by OutboxSchema, no replication slot");
    }

    @Override
    public void prepare(DataSource dataSource) {
      SqlScripts.run(dataSource, "business.sql");
      if (mode != WriteMode.WAL_MESSAGE) {
        OutboxSchema.builder().createReplicationSlot(false).build().install(dataSource);
      }
      writer = OutboxWriter.builder(dataSource).mode(mode).build();
    }

    @Override
    public Session open(DataSource dataSource, Connection connection) throws SQLException {
      OutboxWriter writer = this.writer;
      if (writer == null) {
        throw new IllegalStateException("prepare(..) must run before open(..)");
      }
      BusinessRows rows = new BusinessRows(connection, shape);
      int events = shape.events();
      return new Session() {
        @Override
        public void transaction(long number) throws SQLException {
          rows.insert(number);
          long micros = System.currentTimeMillis() * 1000;
          if (events == 1) {
            long seq = number * shape.orders();
            writer.publish(connection, OutboxEvent.of(Payloads.AGGREGATE_TYPE, Payloads.aggregateId(seq),
                Payloads.EVENT_TYPE, Payloads.json(seq, micros)));
            return;
          }
          List<OutboxEvent> batch = new ArrayList<>(events);
          for (int i = 0; i < events; i++) {
            long seq = number * shape.orders() + i;
            batch.add(OutboxEvent.of(Payloads.AGGREGATE_TYPE, Payloads.aggregateId(seq), Payloads.EVENT_TYPE,
                Payloads.json(seq, micros)));
          }
          writer.publishAll(connection, batch);
        }

        @Override
        public void close() throws SQLException {
          rows.close();
        }
      };
    }

    @Override
    public String toString() {
      return mode.name().toLowerCase(Locale.ROOT);
    }
  }
}
