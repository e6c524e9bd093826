package io.outboxkit.inbox.kafka;

import io.outboxkit.inbox.InboxOutcome;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.jspecify.annotations.Nullable;

/**
 * CONSUMER spans around the inbox's work on Kafka records, parented by the record's W3C {@code traceparent}
 * header; {@link #NONE} when tracing is off or OpenTelemetry is absent. The inbox runner uses it, and so does
 * any other consumer of the inbox that should trace alike (Spring's {@code @IdempotentListener} does): each
 * span records the inbox's outcome as {@code outboxkit.inbox.outcome} ({@code processed} or {@code duplicate}
 * for an absorbed duplicate).
 *
 * <p>Thread-safe; a {@link TraceSpan} belongs to the thread that started it.
 */
public interface RecordTracing {

  RecordTracing NONE = new RecordTracing() {
    @Override
    public TraceSpan startRecord(ConsumerRecord<?, ?> record) {
      return TraceSpan.NONE;
    }

    @Override
    public TraceSpan startBatch(List<? extends ConsumerRecord<?, ?>> records) {
      return TraceSpan.NONE;
    }
  };

  /** A span for one record, current on this thread until closed; none when the record has no trace context. */
  TraceSpan startRecord(ConsumerRecord<?, ?> record);

  /** A span for a batch, linked to the trace context of each record that carries one. */
  TraceSpan startBatch(List<? extends ConsumerRecord<?, ?>> records);

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

    /** Records the inbox's outcome ({@code outboxkit.inbox.outcome}: processed, duplicate). */
    void outcome(@Nullable InboxOutcome outcome);

    /** Marks the span as failed with the error. */
    void failed(Throwable error);

    /** Ends the span and restores the context that was current before it. */
    @Override
    void close();
  }

  /**
   * OpenTelemetry tracing when opentelemetry-api is on the class path, else {@link #NONE}. The OpenTelemetry
   * classes are loaded only when present.
   *
   * @param openTelemetry an {@code io.opentelemetry.api.OpenTelemetry}, or null for the global instance
   * @param consumerName the inbox consumer name, recorded as {@code outboxkit.inbox.consumer}
   * @param groupId the Kafka consumer group, recorded as {@code messaging.consumer.group.name}, or null
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
