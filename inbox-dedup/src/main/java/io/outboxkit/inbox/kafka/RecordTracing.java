package io.outboxkit.inbox.kafka;

import io.outboxkit.inbox.InboxOutcome;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.jspecify.annotations.Nullable;

/** Consumer spans around the inbox's work; {@link #NONE} when tracing is off or OpenTelemetry is absent. */
interface RecordTracing {

  RecordTracing NONE = new RecordTracing() {
    @Override
    public TraceSpan startRecord(ConsumerRecord<byte[], byte[]> record) {
      return TraceSpan.NONE;
    }

    @Override
    public TraceSpan startBatch(List<ConsumerRecord<byte[], byte[]>> records) {
      return TraceSpan.NONE;
    }
  };

  /** A span for one record, current on this thread until closed; none when the record has no trace context. */
  TraceSpan startRecord(ConsumerRecord<byte[], byte[]> record);

  /** A span for a batch, linked to the trace context of each record that carries one. */
  TraceSpan startBatch(List<ConsumerRecord<byte[], byte[]>> records);

  /** An open span. Close it on the thread that started it. */
  interface TraceSpan extends AutoCloseable {

    TraceSpan NONE = new TraceSpan() {
      @Override
      public void outcome(@Nullable InboxOutcome outcome) {
      }

      @Override
      public void failed(Throwable error) {
      }

      @Override
      public void close() {
      }
    };

    void outcome(@Nullable InboxOutcome outcome);

    void failed(Throwable error);

    @Override
    void close();
  }

  /**
   * OpenTelemetry tracing when opentelemetry-api is on the class path, else {@link #NONE}. The OpenTelemetry
   * classes are loaded only when present.
   *
   * @param openTelemetry an {@code io.opentelemetry.api.OpenTelemetry}, or null for the global instance
   */
  static RecordTracing create(@Nullable Object openTelemetry, String consumerName, @Nullable String groupId) {
    try {
      Class.forName("io.opentelemetry.api.GlobalOpenTelemetry", false, RecordTracing.class.getClassLoader());
      Class.forName("io.opentelemetry.context.Context", false, RecordTracing.class.getClassLoader());
    } catch (ClassNotFoundException | LinkageError absent) {
      return NONE;
    }
    return OpenTelemetryTracing.create(openTelemetry, consumerName, groupId);
  }
}
