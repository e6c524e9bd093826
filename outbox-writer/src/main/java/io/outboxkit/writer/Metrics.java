package io.outboxkit.writer;

import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The writer's metrics. Without a meter registry every call is a no-op; with one, {@link MicrometerMetrics}
 * records them. Micrometer is optional: this class never touches its types.
 */
class Metrics {

  static final Metrics NONE = new Metrics();

  static Metrics create(@Nullable Object registry) {
    return registry == null ? NONE : new MicrometerMetrics(registry);
  }

  /** Events whose statements succeeded in the caller's transaction (or in the writer's own, committed). */
  void written(List<EncodedEvent> events) {
  }
}
