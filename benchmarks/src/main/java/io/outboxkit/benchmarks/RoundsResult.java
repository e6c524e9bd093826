package io.outboxkit.benchmarks;

import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * A measurement repeated in rounds (writer and inbox benchmarks): the median rate and each round's rate.
 *
 * @param id a stable key, for example {@code plain} or {@code outboxkit-table}
 * @param name the name shown in the results
 * @param description how it was configured
 * @param perSecond the median rate (transactions or messages per second); null without a figure
 * @param rounds the rate of each round
 * @param unavailable the system is not part of this build, or null
 * @param failure why a round failed, or null
 */
record RoundsResult(String id, String name, String description, @Nullable Double perSecond, List<Double> rounds,
                    @Nullable String unavailable, @Nullable String failure) {

  @Nullable String missingReason() {
    return unavailable != null ? unavailable : failure;
  }
}
