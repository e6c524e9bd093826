package io.outboxkit.relay;

import org.apache.kafka.clients.producer.RecordMetadata;
import org.jspecify.annotations.Nullable;

/**
 * Producer spans for the records the relay publishes; {@link #NONE} when tracing is off, opentelemetry-api is
 * absent or its tracer provider is the no-op one, so that a relay without tracing does no work per record.
 */
interface PublishTracing {

  PublishTracing NONE = event -> null;

  /**
   * Starts the producer span of an event that carries its writer's trace context, as a child of that
   * context, and puts the span's own context into the record's {@code traceparent}/{@code tracestate}
   * headers; to be called before the record is first handed to the producer.
   *
   * @return the open span, or null when the event carries no trace context
   */
  @Nullable PublishSpan start(RecordMapper.Event event);

  /** An open producer span; ended exactly once, by one of its methods. */
  interface PublishSpan {

    /** The broker acknowledged the record. */
    void acknowledged(@Nullable RecordMetadata metadata);

    /** The record went to the dead-letter topic instead. */
    void deadLettered(Throwable failure);

    /** The relay stopped before the broker acknowledged the record; it is sent again on the next start. */
    void abandoned();
  }

  /**
   * OpenTelemetry tracing when {@code enabled} and opentelemetry-api is on the class path, else {@link #NONE}.
   * The OpenTelemetry classes are loaded only when present.
   *
   * @param openTelemetry an {@code io.opentelemetry.api.OpenTelemetry}, or null for {@code GlobalOpenTelemetry}
   */
  static PublishTracing create(boolean enabled, @Nullable Object openTelemetry) {
    if (!enabled) {
      return NONE;
    }
    try {
      Class.forName("io.opentelemetry.api.GlobalOpenTelemetry", false, PublishTracing.class.getClassLoader());
      Class.forName("io.opentelemetry.context.Context", false, PublishTracing.class.getClassLoader());
    } catch (ClassNotFoundException | LinkageError absent) {
      return NONE;
    }
    return OpenTelemetryPublishTracing.create(openTelemetry);
  }
}
