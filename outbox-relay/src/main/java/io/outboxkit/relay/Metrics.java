package io.outboxkit.relay;

import org.jspecify.annotations.Nullable;

/**
 * The relay's metrics. Without a meter registry every call is a no-op; with one, {@link MicrometerMetrics}
 * records them. Micrometer is optional: this class never touches its types.
 */
class Metrics {

  static final Metrics NONE = new Metrics();

  static Metrics create(@Nullable Object registry, String slotName) {
    return registry == null ? NONE : new MicrometerMetrics(registry, slotName);
  }

  /** {@code count} events acknowledged by the broker. */
  void relayed(int count) {
  }

  /** Time from an event's commit to its acknowledgement. */
  void commitToAck(long millis) {
  }

  void deadLettered(int count) {
  }

  void retried(int count) {
  }

  /** {@code count} events read again from the outbox table by a recovery and acknowledged. */
  void recovered(int count) {
  }

  /** A sample of the slot's lag; the gauge reports nothing before the first one. */
  void slotLag(long bytes) {
  }

  /**
   * A sample of the stream's delay: how long the oldest heartbeat not yet back has been on its way, or how
   * long the last one took; the gauge reports nothing before the first heartbeat came back or was late.
   */
  void streamDelay(long millis) {
  }
}
