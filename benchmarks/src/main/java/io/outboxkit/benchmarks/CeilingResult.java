package io.outboxkit.benchmarks;

import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The raw producer ceiling for one producer configuration: the median of the rounds.
 *
 * @param name "default" or "tuned"
 * @param settings the producer settings over Kafka's defaults
 * @param events records per round
 * @param eventsPerSecond the median rate; null when the measurement failed
 * @param rounds the rate of each round
 * @param failure why there is no figure, or null
 */
record CeilingResult(String name, Map<String, String> settings, int events, @Nullable Double eventsPerSecond,
                     List<Double> rounds, @Nullable String failure) {
}
