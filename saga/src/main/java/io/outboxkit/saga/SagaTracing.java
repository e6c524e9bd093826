package io.outboxkit.saga;

import org.jspecify.annotations.Nullable;

/**
 * INTERNAL spans around the orchestrator's transitions, so that a saga's steps and compensations are part of
 * the business transaction's trace: {@code saga start <type>} in the starting transaction (child of the span
 * current there, a request's for example), {@code saga reply <type>} while a reply is handled (child of the
 * inbox runner's consumer span) and {@code saga due <type>} when the scanner moves a saga (resend, timeout,
 * deadline, compensation retry), whose parent is the trace context stored with the saga at its start, since
 * the scanner runs outside any span. Commands written inside a span carry its context through the outbox, so
 * participants' spans become its children. {@link #NONE} when tracing is off or OpenTelemetry is absent.
 */
interface SagaTracing {

  SagaTracing NONE = new SagaTracing() {
    @Override
    public @Nullable String currentContext() {
      return null;
    }

    @Override
    public Transition start(String kind, SagaRun run, @Nullable String storedContext) {
      return Transition.NONE;
    }
  };

  /** The current span's context in the outbox's {@code tracingspancontext} form, or null. */
  @Nullable String currentContext();

  /**
   * Starts a span for a transition of {@code run}, current on this thread until closed: a child of the current
   * span when there is one, else of {@code storedContext}.
   *
   * @param kind {@code start}, {@code reply} or {@code due}
   */
  Transition start(String kind, SagaRun run, @Nullable String storedContext);

  /** An open transition span. */
  interface Transition extends AutoCloseable {

    Transition NONE = new Transition() {
      @Override
      public void done(SagaRun run, @Nullable String compensationReason) {
      }

      @Override
      public void failed(Throwable error) {
      }

      @Override
      public void close() {
      }
    };

    /**
     * Records where the saga went: its state and step after the transition, and, when the transition began
     * the compensation, an event {@code compensation started} with the reason.
     */
    void done(SagaRun run, @Nullable String compensationReason);

    /** Marks the span as failed. */
    void failed(Throwable error);

    /** Ends the span and restores the context that was current before it. */
    @Override
    void close();
  }

  /**
   * OpenTelemetry tracing when opentelemetry-api is on the class path and {@code enabled}, else {@link #NONE}.
   *
   * @param openTelemetry an {@code io.opentelemetry.api.OpenTelemetry}, or null for the global instance
   */
  static SagaTracing create(boolean enabled, @Nullable Object openTelemetry) {
    if (!enabled) {
      return NONE;
    }
    try {
      Class.forName("io.opentelemetry.api.GlobalOpenTelemetry", false, SagaTracing.class.getClassLoader());
      Class.forName("io.opentelemetry.context.Context", false, SagaTracing.class.getClassLoader());
    } catch (ClassNotFoundException | LinkageError absent) {
      return NONE;
    }
    return OpenTelemetrySagaTracing.create(openTelemetry);
  }
}
