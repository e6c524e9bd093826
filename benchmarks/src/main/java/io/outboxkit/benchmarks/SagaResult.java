package io.outboxkit.benchmarks;

import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * One saga flow's figures.
 *
 * @param id {@code orchestrated} or {@code choreographed}
 * @param description what was measured, for the settings
 * @param sagasPerSecond end-to-end throughput: sagas / time from the first start to the last final state
 * @param sagas sagas of the throughput run
 * @param compensated of those, how many were compensated (by design, a tenth)
 * @param latency completion latency (start to final state) at the fixed rate, warm-up left out
 * @param latencyStartRate the rate at which the latency run actually started sagas
 * @param messagesPerSaga messages consumed through the inboxes per saga in the throughput run (each one an inbox
 *     transaction; add the start transaction for the transactions per saga)
 * @param walBytesPerSaga WAL written per saga in the throughput run, all four databases
 * @param cpuMillisPerSaga CPU milliseconds per saga in the throughput run: this JVM (relays, consumers, handlers),
 *     PostgreSQL, the broker; null where not known
 * @param finishedOverTime the throughput run's sagas final so far against seconds since its first start,
 *     {@code [seconds, sagas]} points in time order; empty when not measured
 * @param failure why the flow could not be measured, or null
 */
record SagaResult(String id, String description, @Nullable Double sagasPerSecond, int sagas, int compensated,
                  @Nullable LatencySummary latency, @Nullable Double latencyStartRate, @Nullable Double messagesPerSaga,
                  @Nullable Double walBytesPerSaga, double @Nullable [] cpuMillisPerSaga,
                  List<double[]> finishedOverTime, @Nullable String failure) {

  static SagaResult failed(String id, String description, String failure) {
    return new SagaResult(id, description, null, 0, 0, null, null, null, null, null, List.of(), failure);
  }
}
