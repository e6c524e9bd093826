package io.outboxkit.benchmarks;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * How long and how large each measurement is. {@link #QUICK} finishes in a few minutes and is meant to
 * check that everything works and to see the rough ratios; {@link #FULL} gives figures worth publishing.
 *
 * @param name the name used on the command line
 * @param ceilingEvents records per raw producer run (each run also sends a tenth of that as warm-up)
 * @param drainEvents events written before a relay starts, then drained
 * @param longDrainEvents events of a second, larger backlog drained by a fresh relay process of its own, once
 *     per relay (0: not measured); a drain of a few seconds mostly measures how fast a new JVM compiles the
 *     relay's code, this one a backlog as a relay meets it after an outage of minutes
 * @param withWriterWindow how long the writer runs while a relay relays
 * @param withWriterMaxEvents at most this many events during that window
 * @param latencyRates events per second (one event per transaction up to 5,000) of the latency runs, one run per rate in
 *     this order; the first is the reference rate of the headline's latency goal
 * @param latencyWarmUp the first part of each latency run, left out of the percentiles
 * @param latencyWindow the measured part of each latency run
 * @param writerWarmUp writer benchmark warm-up per variant
 * @param writerWindow writer benchmark measured time per variant
 * @param inboxMessages messages consumed per inbox benchmark variant
 * @param rounds how often the writer, inbox and ceiling measurements repeat (interleaved); the median is
 *     reported
 * @param relayRounds how often each relay is measured; every other round runs the relays in reverse order,
 *     and each figure is the median over the rounds
 * @param relays the relays measured, in order
 * @param sagaWarmUpSagas sagas per flow of the saga benchmark's uncounted warm-up run
 * @param sagaSagas sagas per flow of the saga throughput run
 * @param sagaLatencyRate sagas started per second in the saga latency run
 * @param sagaLatencyWarmUp the first part of the saga latency run, left out of the percentiles
 * @param sagaLatencyWindow the measured part of the saga latency run
 */
record Profile(
    String name,
    int ceilingEvents,
    int drainEvents,
    int longDrainEvents,
    Duration withWriterWindow,
    int withWriterMaxEvents,
    List<Integer> latencyRates,
    Duration latencyWarmUp,
    Duration latencyWindow,
    Duration writerWarmUp,
    Duration writerWindow,
    int inboxMessages,
    int rounds,
    int relayRounds,
    List<RelayKind> relays,
    int sagaWarmUpSagas,
    int sagaSagas,
    int sagaLatencyRate,
    Duration sagaLatencyWarmUp,
    Duration sagaLatencyWindow) {

  /** A minute or two: checks that every part of the harness works; its figures mean little. */
  static final Profile SMOKE = new Profile("smoke", 20_000, 5_000, 0, Duration.ofSeconds(3), 100_000,
      List.of(1_000, 5_000, 10_000), Duration.ofSeconds(1), Duration.ofSeconds(3), Duration.ofSeconds(1), Duration.ofSeconds(2), 5_000, 1, 1,
      List.of(RelayKind.OUTBOXKIT_TABLE, RelayKind.OUTBOXKIT_WAL_MESSAGE, RelayKind.POLLING,
          RelayKind.DEBEZIUM_DEFAULTS),
      200, 500, 100, Duration.ofSeconds(1), Duration.ofSeconds(4));

  static final Profile QUICK = new Profile("quick", 100_000, 20_000, 0, Duration.ofSeconds(8), 400_000,
      List.of(1_000, 5_000, 10_000), Duration.ofSeconds(2), Duration.ofSeconds(10), Duration.ofSeconds(2), Duration.ofSeconds(6), 20_000, 1, 1,
      List.of(RelayKind.OUTBOXKIT_TABLE, RelayKind.OUTBOXKIT_WAL_MESSAGE, RelayKind.POLLING,
          RelayKind.DEBEZIUM_DEFAULTS),
      500, 2_000, 100, Duration.ofSeconds(2), Duration.ofSeconds(10));

  static final Profile FULL = new Profile("full", 100_000, 100_000, 1_000_000, Duration.ofSeconds(30),
      3_000_000, List.of(1_000, 5_000, 10_000), Duration.ofSeconds(5), Duration.ofSeconds(30), Duration.ofSeconds(5), Duration.ofSeconds(20),
      100_000, 3, 2,
      List.of(RelayKind.OUTBOXKIT_TABLE, RelayKind.OUTBOXKIT_WAL_MESSAGE, RelayKind.POLLING,
          RelayKind.DEBEZIUM_DEFAULTS, RelayKind.DEBEZIUM_TUNED, RelayKind.OUTBOXKIT_TABLE_TRACED),
      1_000, 10_000, 100, Duration.ofSeconds(5), Duration.ofSeconds(60));

  static Profile named(String name) {
    return switch (name.toLowerCase(Locale.ROOT)) {
      case "quick" -> QUICK;
      case "full" -> FULL;
      case "smoke" -> SMOKE;
      default -> throw new IllegalArgumentException("unknown profile '" + name + "': use quick, full or smoke");
    };
  }

  Profile {
    latencyRates = List.copyOf(latencyRates);
    if (latencyRates.isEmpty()) {
      throw new IllegalArgumentException("a profile needs at least one latency rate");
    }
  }

  /** The first latency rate: the one the headline's latency goal is judged at. */
  int referenceLatencyRate() {
    return latencyRates.get(0);
  }

  /** Events of one latency run at {@code rate}: warm-up and window. */
  int latencyEvents(int rate) {
    return (int) ((latencyWarmUp.toMillis() + latencyWindow.toMillis()) * rate / 1000);
  }

  /** Events of all latency runs together. */
  int latencyEvents() {
    return latencyRates.stream().mapToInt(this::latencyEvents).sum();
  }

  /** This profile with the given relays, drain sizes and saga count instead of its own; null keeps its own. */
  Profile with(@Nullable List<RelayKind> chosen, @Nullable Integer drain, @Nullable Integer longDrain,
               @Nullable Integer sagas) {
    return with(chosen, drain, longDrain, sagas, null);
  }

  /**
   * This profile with the given relays, drain sizes, saga count and latency rates instead of its own; null keeps
   * its own.
   */
  Profile with(@Nullable List<RelayKind> chosen, @Nullable Integer drain, @Nullable Integer longDrain,
               @Nullable Integer sagas, @Nullable List<Integer> rates) {
    return new Profile(name, ceilingEvents, drain == null ? drainEvents : drain,
        longDrain == null ? longDrainEvents : longDrain, withWriterWindow, withWriterMaxEvents,
        rates == null ? latencyRates : rates,
        latencyWarmUp, latencyWindow, writerWarmUp, writerWindow, inboxMessages, rounds, relayRounds,
        chosen == null ? relays : List.copyOf(chosen), sagaWarmUpSagas, sagas == null ? sagaSagas : sagas,
        sagaLatencyRate, sagaLatencyWarmUp, sagaLatencyWindow);
  }
}
