package io.outboxkit.benchmarks;

import java.time.Duration;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/** Everything one run measured, and the facts to read it by. Filled by {@link BenchmarkMain}. */
final class Report {

  final Profile profile;
  final ZonedDateTime started;
  final String command;
  @Nullable Duration wallTime;
  List<String> relayJvmOptions = RelayProcess.DEFAULT_JVM_OPTIONS;
  Map<String, String> machine = new LinkedHashMap<>();
  String loadAtStart = "unknown";
  String loadAtEnd = "unknown";
  List<CeilingResult> ceiling = new ArrayList<>();
  List<RelayResult> relays = new ArrayList<>();
  List<RoundsResult> writers = new ArrayList<>();
  /**
   * The writer benchmark's servers, in the order measured, each with its shapes; ids of {@link #writers} are
   * {@code <server>/<shape>/<variant>}.
   */
  List<WriterServer> writerServers = new ArrayList<>();
  List<RoundsResult> consumers = new ArrayList<>();
  List<SagaResult> sagas = new ArrayList<>();
  /** CPU ms per second (harness, PostgreSQL, broker) of the saga services while idle; null if not measured. */
  double @Nullable [] sagaIdleCpuMillisPerSecond;
  /** The charts written beside the results file, linked from it. */
  List<ResultCharts.Chart> charts = new ArrayList<>();
  /** Parts that were not run at all (left out on the command line). */
  List<String> skipped = new ArrayList<>();

  Report(Profile profile, ZonedDateTime started, String command) {
    this.profile = profile;
    this.started = started;
    this.command = command;
  }

  @Nullable RelayResult relay(RelayKind kind) {
    return relays.stream().filter(r -> r.kind == kind).findFirst().orElse(null);
  }

  @Nullable RoundsResult writer(String id) {
    return writers.stream().filter(r -> r.id().equals(id)).findFirst().orElse(null);
  }

  @Nullable RoundsResult consumer(String id) {
    return consumers.stream().filter(r -> r.id().equals(id)).findFirst().orElse(null);
  }

  @Nullable SagaResult saga(String id) {
    return sagas.stream().filter(r -> r.id().equals(id)).findFirst().orElse(null);
  }

  @Nullable CeilingResult ceiling(String name) {
    return ceiling.stream().filter(r -> r.name().equals(name)).findFirst().orElse(null);
  }

  /** True when a measurement failed with an error (not merely unavailable or left out). */
  boolean hasFailures() {
    return relays.stream().anyMatch(r -> r.failure != null)
        || writers.stream().anyMatch(r -> r.failure() != null)
        || consumers.stream().anyMatch(r -> r.failure() != null)
        || ceiling.stream().anyMatch(r -> r.failure() != null)
        || sagas.stream().anyMatch(r -> r.failure() != null);
  }
}
