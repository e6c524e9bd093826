package io.outboxkit.core.internal;

import io.opentelemetry.api.GlobalOpenTelemetry;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.api.trace.TracerProvider;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import org.jspecify.annotations.Nullable;

/**
 * What the relay's, the inbox's and the saga orchestrator's spans share: the attribute keys of OpenTelemetry's
 * messaging semantic conventions, the choice of the {@code OpenTelemetry} instance, a span marked failed, and a
 * span that is current until closed. Touches OpenTelemetry's classes: call it only when opentelemetry-api is on the class path.
 */
public final class OpenTelemetrySpans {

  /** {@code messaging.system}: {@code kafka}. */
  public static final AttributeKey<String> SYSTEM = AttributeKey.stringKey("messaging.system");

  /** {@code messaging.operation.type}: {@code send} or {@code process}. */
  public static final AttributeKey<String> OPERATION_TYPE = AttributeKey.stringKey("messaging.operation.type");

  /** {@code messaging.operation.name}. */
  public static final AttributeKey<String> OPERATION_NAME = AttributeKey.stringKey("messaging.operation.name");

  /** {@code messaging.destination.name}: the topic. */
  public static final AttributeKey<String> DESTINATION = AttributeKey.stringKey("messaging.destination.name");

  /** {@code messaging.destination.partition.id}: the partition, as a string. */
  public static final AttributeKey<String> PARTITION = AttributeKey.stringKey("messaging.destination.partition.id");

  /** {@code messaging.kafka.offset}. */
  public static final AttributeKey<Long> OFFSET = AttributeKey.longKey("messaging.kafka.offset");

  /** {@code messaging.kafka.message.key}: the record's key as UTF-8 text. */
  public static final AttributeKey<String> KEY = AttributeKey.stringKey("messaging.kafka.message.key");

  /** {@code messaging.message.id}: the event's id. */
  public static final AttributeKey<String> MESSAGE_ID = AttributeKey.stringKey("messaging.message.id");

  /** {@code messaging.consumer.group.name}. */
  public static final AttributeKey<String> GROUP = AttributeKey.stringKey("messaging.consumer.group.name");

  /** {@code messaging.batch.message_count}. */
  public static final AttributeKey<Long> BATCH_COUNT = AttributeKey.longKey("messaging.batch.message_count");

  /** The value of {@link #SYSTEM} for Kafka. */
  public static final String KAFKA = "kafka";

  private OpenTelemetrySpans() {
  }

  /**
   * The {@code OpenTelemetry} a module was given.
   *
   * @param openTelemetry an {@code io.opentelemetry.api.OpenTelemetry}, or null for the global instance
   */
  public static OpenTelemetry openTelemetry(@Nullable Object openTelemetry) {
    return openTelemetry == null ? GlobalOpenTelemetry.get() : (OpenTelemetry) openTelemetry;
  }

  /**
   * The tracer of the given instrumentation scope, or null when the tracer provider is OpenTelemetry's no-op
   * one (no SDK installed), so that a module can skip its tracing altogether.
   *
   * @param openTelemetry an {@code io.opentelemetry.api.OpenTelemetry}, or null for the global instance
   */
  public static @Nullable Tracer tracerUnlessNoop(@Nullable Object openTelemetry, String instrumentation) {
    TracerProvider provider = openTelemetry(openTelemetry).getTracerProvider();
    return provider == TracerProvider.noop() ? null : provider.get(instrumentation);
  }

  /** Marks the span failed: the exception as an event, status ERROR described by the exception's class. */
  public static void failed(Span span, Throwable error) {
    span.recordException(error);
    span.setStatus(StatusCode.ERROR, error.getClass().getName());
  }

  /**
   * A started span whose context is current on this thread until {@link #close()}, which also ends the span.
   * A module's own span handle extends it and implements the module's interface (its {@code failed} and
   * {@code close} are these). Not thread-safe.
   */
  public static class CurrentSpan implements AutoCloseable {

    private final Span span;
    private final Scope scope;

    /**
     * Makes {@code context} current on this thread.
     *
     * @param span the started span
     * @param context the context to make current; it holds {@code span}
     */
    protected CurrentSpan(Span span, Context context) {
      this.span = span;
      this.scope = context.makeCurrent();
    }

    /** The span, for attributes and events. */
    protected final Span span() {
      return span;
    }

    /** Marks the span failed ({@link OpenTelemetrySpans#failed(Span, Throwable)}). */
    public final void failed(Throwable error) {
      OpenTelemetrySpans.failed(span, error);
    }

    /** Restores the previous context and ends the span. */
    @Override
    public final void close() {
      scope.close();
      span.end();
    }
  }
}
