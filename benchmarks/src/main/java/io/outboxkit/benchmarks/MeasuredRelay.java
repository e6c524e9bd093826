package io.outboxkit.benchmarks;

import org.jspecify.annotations.Nullable;

/**
 * One relay under measurement: OutboxKit's, or a baseline written for the harness. {@link #prepare} runs
 * in the harness's JVM before any event is written; {@link #start} runs in a JVM of the relay's own (see
 * {@link RelayProcessMain}), so that its memory and CPU time are the relay's alone.
 */
interface MeasuredRelay {

  /** How the relay is configured, for the settings section of the results. */
  String describe();

  /**
   * Creates what the relay needs so that every event written from now on is relayed once it starts (for
   * example the publication and the replication slot).
   */
  void prepare(RelayTarget target);

  /** Starts relaying in the background; returns once the relay runs. */
  Running start(RelayTarget target);

  /** A started relay. */
  interface Running extends AutoCloseable {

    /** Why the relay stopped working, or null while it works. */
    @Nullable String failure();

    /** Stops relaying and releases connections and producers. */
    @Override
    void close();
  }
}
