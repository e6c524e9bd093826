package io.outboxkit.benchmarks;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Measures several variants in rounds, each round starting one variant later than the one before, so that no
 * variant always runs first (on a warming JVM) or last. A variant that fails is not measured again.
 */
final class Rounds {

  private static final Logger log = LoggerFactory.getLogger(Rounds.class);

  /** Measures one variant once; returns its rate. */
  @FunctionalInterface
  interface Measurement {
    double measure(String id) throws Exception;
  }

  /**
   * What the rounds gave.
   *
   * @param rates each variant's rates, one per round it completed
   * @param failures why a variant failed, by id
   */
  record Outcome(Map<String, List<Double>> rates, Map<String, String> failures) {
  }

  private Rounds() {
  }

  /**
   * Runs {@code rounds} rounds over {@code ids}; {@code what} and {@code unit} name the benchmark and its
   * rate in the log.
   */
  static Outcome run(List<String> ids, int rounds, String what, String unit, Measurement measurement) {
    Map<String, List<Double>> rates = new LinkedHashMap<>();
    Map<String, String> failures = new LinkedHashMap<>();
    ids.forEach(id -> rates.put(id, new ArrayList<>()));
    for (int round = 0; round < rounds; round++) {
      for (int i = 0; i < ids.size(); i++) {
        String id = ids.get((i + round) % ids.size());
        if (failures.containsKey(id)) {
          continue;
        }
        try {
          double rate = measurement.measure(id);
          rates.get(id).add(rate);
          log.info(String.format(Locale.ROOT, "%s %s round %d: %.1f %s", what, id, round + 1, rate, unit));
        } catch (Exception e) {
          failures.put(id, e.getMessage() == null ? e.toString() : e.getMessage());
          log.error("{} {}: failed", what, id, e);
        }
      }
    }
    return new Outcome(rates, failures);
  }
}
