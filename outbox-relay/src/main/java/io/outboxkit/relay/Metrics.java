package io.outboxkit.relay;

import java.util.function.LongSupplier;
import org.jspecify.annotations.Nullable;

/**
 * The relay's metrics. Without a meter registry every call is a no-op; with one, {@link MicrometerMetrics}
 * records them. Micrometer is optional: this class never touches its types.
 */
class Metrics {

  static final Metrics NONE = new Metrics();

  /** True when Micrometer is on the class path and {@code candidate} is one of its registries. */
  static boolean isMeterRegistry(Object candidate) {
    try {
      Class<?> type = Class.forName("io.micrometer.core.instrument.MeterRegistry", false,
          Metrics.class.getClassLoader());
      return type.isInstance(candidate);
    } catch (ClassNotFoundException e) {
      return false;
    }
  }

  static Metrics create(@Nullable Object registry, String slotName, LongSupplier slotLagBytes) {
    return registry == null ? NONE : new MicrometerMetrics(registry, slotName, slotLagBytes);
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
}
