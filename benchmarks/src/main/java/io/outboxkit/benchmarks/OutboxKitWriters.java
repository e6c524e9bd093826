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
 * transaction ({@link BusinessRows}) plus one event of {@value Payloads#SIZE} bytes per business row, written
 * with {@link OutboxWriter#publishAll(Connection, java.util.Collection)} on the same connection, in the same
 * transaction. With fewer events per transaction, the first rows of the transaction get one each.
 */
final class OutboxKitWriters {

  private OutboxKitWriters() {
  }

  static MeasuredWriter table(int eventsPerTransaction) {
    return new Writer(WriteMode.TABLE, eventsPerTransaction);
  }

  static MeasuredWriter tableDeleteAfterInsert(int eventsPerTransaction) {
    return new Writer(WriteMode.TABLE_DELETE_AFTER_INSERT, eventsPerTransaction);
  }

  static MeasuredWriter walMessage(int eventsPerTransaction) {
    return new Writer(WriteMode.WAL_MESSAGE, eventsPerTransaction);
  }

  private static final class Writer implements MeasuredWriter {

    private final WriteMode mode;
    private final int events;
    /** The writer of the database last prepared; its sessions share it, as a service's threads would. */
    private volatile @Nullable OutboxWriter writer;

    Writer(WriteMode mode, int eventsPerTransaction) {
      if (eventsPerTransaction < 1 || eventsPerTransaction > BusinessRows.ROWS) {
        throw new IllegalArgumentException("events per transaction must be 1-" + BusinessRows.ROWS + ", was "
            + eventsPerTransaction);
      }
      this.mode = mode;
      this.events = eventsPerTransaction;
    }

    @Override
    public String name() {
      return "OutboxKit " + mode;
    }

    @Override
    public String describe() {
      return "the plain transaction plus " + events + (events == BusinessRows.ROWS ? " events (one per row, "
          : " event(s) (for the first row(s), ") + Payloads.SIZE
          + "-byte JSON given as a String) with OutboxWriter.publishAll(connection, events), mode " + mode
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
      BusinessRows rows = new BusinessRows(connection);
      return new Session() {
        @Override
        public void transaction(long number) throws SQLException {
          rows.insert(number);
          long micros = System.currentTimeMillis() * 1000;
          List<OutboxEvent> batch = new ArrayList<>(events);
          for (int i = 0; i < events; i++) {
            long seq = number * BusinessRows.ROWS + i;
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
