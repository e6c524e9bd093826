package io.outboxkit.benchmarks;

import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/** Renders a {@link Report} as the markdown of the results file. */
final class MarkdownReport {

  static final Goal RELAY_DRAIN_VS_DEBEZIUM = Goal.ratioAtLeast(1.5);
  static final Goal RELAY_DRAIN_VS_POLLING = Goal.ratioAtLeast(1.0);
  static final Goal RELAY_P99 = Goal.atMost(30, "ms");
  /** The moonshot: OutboxKit's relays at p99 <= 10 ms at {@value #MOONSHOT_RATE} events/s. */
  static final Goal RELAY_P99_MOONSHOT = Goal.atMost(10, "ms");
  static final int MOONSHOT_RATE = 10_000;
  static final Goal RELAY_RSS = Goal.below(300, "MB");
  /** Goals of the order shape (one order, three lines, one event); the bulk shape has its row bound instead. */
  static final Goal WRITER_TABLE = Goal.ratioAtLeast(0.85);
  static final Goal WRITER_WAL_MESSAGE = Goal.ratioAtLeast(0.95);
  static final Goal INBOX = Goal.ratioAtLeast(0.8);
  static final Goal SAGA_THROUGHPUT = Goal.atLeast(500, "sagas/s");
  static final Goal SAGA_P99 = Goal.atMost(100, "ms");
  static final Goal SAGA_VS_CHOREOGRAPHY = Goal.ratioAtLeast(0.8);

  private MarkdownReport() {
  }

  static String render(Report report) {
    StringBuilder out = new StringBuilder();
    out.append("# OutboxKit benchmark results, ")
        .append(report.started.format(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm z", Locale.ROOT)))
        .append(" (profile ").append(report.profile.name()).append(")\n\n");
    out.append("Every ratio is OutboxKit / baseline, both measured in this run on this machine; absolute figures"
        + " stand beside it. Higher is better for rates, lower for latency and memory. Goals come from the issues"
        + " and are reported, not asserted.\n\n");
    if (report.profile != Profile.FULL) {
      out.append("This is the ").append(report.profile.name()).append(" profile: short runs, good for checking"
          + " the harness and rough ratios; publish figures of the full profile.\n\n");
    }

    out.append("## Headline\n\n").append(headline(report).render()).append('\n');
    if (!report.relays.isEmpty()) {
      out.append("## Relays\n\n").append(relays(report).render()).append('\n');
      if (report.relays.stream().anyMatch(r -> !r.rateRuns.isEmpty())) {
        out.append("### Latency by rate\n\n").append(String.format(Locale.ROOT, "One event per transaction up to"
            + " %,d events/s; above that as many per transaction as keep the transactions at %,d per second or fewer"
            + " (two at 10,000 events/s: this machine's writers do not reach 10,000 single-event commits per second"
            + " beside everything else). One run after the other in the same relay process. A rate is sustained when the"
            + " writers reached at least %.0f%% of it and the lag did not grow: the median latency of the run's last"
            + " quarter of events is at most %.0fx that of its first quarter + %.0f ms.%n%n",
            RelayBenchmark.SINGLE_EVENT_RATE, RelayBenchmark.SINGLE_EVENT_RATE, RateRun.OFFERED_SHARE * 100,
            RateRun.LAG_GROWTH_FACTOR, RateRun.LAG_GROWTH_SLACK_MILLIS))
            .append(latencyByRate(report).render()).append('\n');
      }
    }
    if (!report.writers.isEmpty()) {
      out.append("## Writer: business transactions per second\n\n");
      out.append("The same transactions, with synchronous_commit on, on each server below. With fsync=on each"
          + " commit waits until its WAL is flushed to disk, as on a production server: the goals are judged"
          + " there. With fsync=off (the embedded test server's setting) a commit flushes nothing, so those"
          + " figures show what round trips and the server's own work cost without the flush.\n\n");
      for (WriterServer server : report.writerServers) {
        out.append("### ").append(capitalized(server.title())).append(": ").append(server.judged()
            ? "a server of its own, where the goals are judged" : "the server of the other parts")
            .append("\n\n").append("Server settings: ").append(server.settings()).append(".\n\n");
        for (WriterShape shape : server.shapes()) {
          out.append("#### ").append(capitalized(shape.title())).append(": ").append(shape.describe())
              .append("\n\n").append(writers(report, server, shape).render()).append('\n')
              .append(String.format(Locale.ROOT, "Row bound %s: with its events a transaction writes %d rows"
                  + " instead of %d, so if a transaction cost only its rows, table mode would reach %s of the"
                  + " baseline.", Format.ratio(shape.rowBound()), shape.rowsWithEvents(), shape.businessRows(),
                  Format.ratio(shape.rowBound())))
              .append(shape.rowBound() <= 0.5 ? " Here the events double the rows: that is the physical limit of"
                  + " this shape, whatever the writer does, give or take what every transaction pays once (round"
                  + " trips, the commit); WAL_MESSAGE mode writes WAL records, no rows or index entries, and can"
                  + " pass it. The goals belong to the order shape.\n\n"
                  : " A transaction of few rows pays mostly per transaction (round trips, the commit), which the"
                  + " event does not add to, so it can do better than that.\n\n");
          String bound = roundTripBound(report, server, shape);
          if (!bound.isEmpty()) {
            out.append(bound).append("\n\n");
          }
        }
      }
    }
    if (!report.consumers.isEmpty()) {
      out.append("## Inbox: consumer throughput\n\n")
          .append(rounds(report.consumers, "messages/s", 0, "").render()).append('\n');
    }
    if (!report.sagas.isEmpty()) {
      out.append("## Sagas: orchestrated and choreographed\n\n").append(sagas(report).render()).append('\n');
    }
    if (!report.ceiling.isEmpty()) {
      out.append("## Ceiling: raw KafkaProducer\n\n").append(ceiling(report).render()).append('\n');
    }
    if (!report.charts.isEmpty()) {
      out.append("## Charts\n\n");
      report.charts.forEach(chart -> out.append("![").append(chart.title()).append("](").append(chart.fileName())
          .append(")\n\n"));
    }
    List<String> missing = missing(report);
    if (!missing.isEmpty()) {
      out.append("## Not measured\n\n");
      missing.forEach(line -> out.append("- ").append(line).append('\n'));
      out.append('\n');
    }
    out.append("## Machine\n\n");
    report.machine.forEach((name, value) -> out.append("- ").append(name).append(": ").append(value).append('\n'));
    report.writerServers.forEach(server -> out.append("- PostgreSQL settings, writer benchmark's ").append(server.id())
        .append(" server (").append(server.title()).append("): ").append(server.settings()).append('\n'));
    out.append("- load average (1 / 5 / 15 min) at start: ").append(report.loadAtStart).append("; at end: ")
        .append(report.loadAtEnd).append('\n');
    if (report.wallTime != null) {
      out.append("- wall time of the run: ").append(report.wallTime.toSeconds()).append(" s\n");
    }
    out.append('\n');
    out.append("## Settings\n\n");
    settings(report).forEach(line -> out.append("- ").append(line).append('\n'));
    out.append('\n');
    out.append("## Reproduce\n\n```shell\n").append(report.command).append("\n```\n");
    return out.toString();
  }

  static MarkdownTable headline(Report report) {
    MarkdownTable table = new MarkdownTable("comparison", "OutboxKit", "baseline", "OutboxKit / baseline", "goal",
        "verdict");
    if (!report.relays.isEmpty()) {
      for (RelayKind outboxKit : List.of(RelayKind.OUTBOXKIT_TABLE, RelayKind.OUTBOXKIT_WAL_MESSAGE)) {
        RelayResult ours = report.relay(outboxKit);
        if (ours == null) {
          continue;
        }
        String mode = outboxKit == RelayKind.OUTBOXKIT_TABLE ? "relay (table)" : "relay (WAL messages)";
        RelayResult debezium = report.relay(RelayKind.DEBEZIUM_DEFAULTS);
        RelayResult polling = report.relay(RelayKind.POLLING);
        relayRow(table, mode + " backlog drain, events/s, vs Debezium + EventRouter defaults", ours, debezium,
            r -> r.drainPerSecond, Format::rate, RELAY_DRAIN_VS_DEBEZIUM, true);
        relayRow(table, mode + " backlog drain, events/s, vs polling relay", ours, polling,
            r -> r.drainPerSecond, Format::rate, RELAY_DRAIN_VS_POLLING, true);
        relayRow(table, mode + " warm backlog drain (same process, stopped while the backlog was written),"
            + " events/s, vs Debezium + EventRouter defaults", ours, debezium, r -> r.warmDrainPerSecond, Format::rate,
            RELAY_DRAIN_VS_DEBEZIUM, true);
        relayRow(table, mode + " warm backlog drain, events/s, vs polling relay", ours, polling,
            r -> r.warmDrainPerSecond, Format::rate, RELAY_DRAIN_VS_POLLING, true);
        if (report.profile.longDrainEvents() > 0) {
          String longDrain = mode + String.format(Locale.ROOT, " long backlog drain (%,d events, a relay process of"
              + " its own), events/s, vs ", report.profile.longDrainEvents());
          relayRow(table, longDrain + "Debezium + EventRouter defaults", ours, debezium, r -> r.longDrainPerSecond,
              Format::rate, RELAY_DRAIN_VS_DEBEZIUM, true);
          relayRow(table, longDrain + "polling relay", ours, polling, r -> r.longDrainPerSecond, Format::rate,
              RELAY_DRAIN_VS_POLLING, true);
        }
        relayRow(table, mode + " throughput with the writer running, events/s, vs Debezium defaults", ours, debezium,
            r -> r.withWriterPerSecond, Format::rate, null, true);
        relayRow(table, mode + " throughput with the writer running, events/s, vs polling relay", ours, polling,
            r -> r.withWriterPerSecond, Format::rate, null, true);
        String reference = String.format(Locale.ROOT, "%,d", report.profile.referenceLatencyRate());
        relayRow(table, mode + " latency p99 at " + reference + " events/s, ms, vs Debezium"
            + " defaults (lower is better)", ours, debezium, r -> r.latency == null ? null : r.latency.p99Millis(),
            Format::millis, RELAY_P99, false);
        relayRow(table, mode + " latency p99 at " + reference + " events/s, ms, vs polling relay"
            + " (lower is better)", ours, polling, r -> r.latency == null ? null : r.latency.p99Millis(),
            Format::millis, null, false);
        if (report.profile.latencyRates().contains(MOONSHOT_RATE)) {
          relayRow(table, mode + String.format(Locale.ROOT, " latency p99 at %,d events/s, ms, vs polling relay"
              + " (lower is better; moonshot)", MOONSHOT_RATE), ours, polling, r -> p99At(r, MOONSHOT_RATE),
              Format::millis, RELAY_P99_MOONSHOT, false);
        }
        if (report.profile.latencyRates().size() > 1) {
          relayRow(table, mode + " highest rate sustained of " + rates(report.profile) + " events/s, vs polling"
              + " relay", ours, polling, MarkdownReport::highestSustained, Format::rate, null, true);
          relayRow(table, mode + " highest rate sustained, vs Debezium defaults", ours, debezium,
              MarkdownReport::highestSustained, Format::rate, null, true);
        }
        relayRow(table, mode + " peak RSS, MB, vs Debezium defaults (lower is better)", ours, debezium,
            r -> r.peakRssMegabytes, Format::decimal, RELAY_RSS, false);
        CeilingResult tuned = report.ceiling("tuned");
        if (tuned != null) {
          row(table, mode + " backlog drain vs raw KafkaProducer, tuned (the ceiling)", ours.drainPerSecond,
              tuned.eventsPerSecond(), Format::rate, null, true);
        }
      }
    }
    RelayResult traced = report.relay(RelayKind.OUTBOXKIT_TABLE_TRACED);
    if (traced != null) {
      RelayResult untraced = report.relay(RelayKind.OUTBOXKIT_TABLE);
      String mode = "relay (table) with tracing on (a producer span per record)";
      relayRow(table, mode + ", backlog drain, events/s, vs tracing off", traced, untraced,
          r -> r.drainPerSecond, Format::rate, null, true);
      relayRow(table, mode + ", warm backlog drain, events/s, vs tracing off", traced, untraced,
          r -> r.warmDrainPerSecond, Format::rate, null, true);
      relayRow(table, mode + ", throughput with the writer running, events/s, vs tracing off", traced, untraced,
          r -> r.withWriterPerSecond, Format::rate, null, true);
      relayRow(table, mode + ", latency p99 at " + String.format(Locale.ROOT, "%,d",
          report.profile.referenceLatencyRate()) + " events/s, ms, vs tracing off (lower is better)", traced,
          untraced, r -> r.latency == null ? null : r.latency.p99Millis(), Format::millis, null, false);
    }
    for (WriterServer server : report.writers.isEmpty() ? List.<WriterServer>of() : report.writerServers) {
      for (WriterShape shape : server.shapes()) {
        String serverId = server.id();
        RoundsResult plain = report.writer(WriterBenchmark.id(serverId, shape, "plain"));
        Double base = plain == null ? null : plain.perSecond();
        boolean order = shape.equals(WriterShape.ORDER);
        boolean judged = order && server.judged();
        String what = ", " + shape.title() + " (" + shape.describe() + (order ? ""
            : "; row bound " + Format.ratio(shape.rowBound())) + "), " + server.title() + ", transactions/s, vs the"
            + " same transaction without" + (shape.events() == 1 ? " the event" : " the events");
        writerRow(table, report, WriterBenchmark.id(serverId, shape, "outboxkit-table"), "writer TABLE" + what, base,
            judged ? WRITER_TABLE : null);
        if (server.judged()) {
          writerRow(table, report, WriterBenchmark.id(serverId, shape, "outboxkit-table-delete"),
              "writer TABLE delete-after-insert" + what, base, null);
        }
        writerRow(table, report, WriterBenchmark.id(serverId, shape, "outboxkit-wal"), "writer WAL_MESSAGE" + what,
            base, judged ? WRITER_WAL_MESSAGE : null);
        if (order) {
          writerRow(table, report, WriterBenchmark.id(serverId, shape, WriterBenchmark.ROUND_TRIP),
              "bound: the plain transaction + one empty round trip (" + PlainWriter.EMPTY_STATEMENT + "), "
                  + shape.title() + ", " + server.title() + ", transactions/s, vs the plain transaction", base, null);
        }
      }
    }
    if (!report.consumers.isEmpty()) {
      RoundsResult plain = report.consumer("plain");
      RoundsResult inbox = report.consumer("outboxkit-inbox");
      row(table, "inbox (batch), messages/s, vs the same consumer without dedup",
          inbox == null ? null : inbox.perSecond(), plain == null ? null : plain.perSecond(), Format::rate, INBOX,
          true);
    }
    if (!report.sagas.isEmpty()) {
      SagaResult orchestrated = report.saga("orchestrated");
      SagaResult choreographed = report.saga("choreographed");
      Double ours = orchestrated == null ? null : orchestrated.sagasPerSecond();
      Double base = choreographed == null ? null : choreographed.sagasPerSecond();
      row(table, "saga orchestrated (3 participants), sagas/s end to end, vs the same saga choreographed", ours,
          base, Format::rate, SAGA_VS_CHOREOGRAPHY, true);
      row(table, "saga orchestrated, sagas/s end to end (absolute goal; baseline column: choreographed)", ours,
          base, Format::rate, SAGA_THROUGHPUT, false);
      int rate = report.profile.sagaLatencyRate();
      row(table, "saga orchestrated, completion p99 at " + rate + " sagas/s, ms, vs choreographed (lower is"
          + " better)", p99(orchestrated), p99(choreographed), Format::millis, SAGA_P99, false);
    }
    return table;
  }

  private static @Nullable Double p99At(RelayResult relay, int rate) {
    RateRun run = relay.rateRun(rate);
    return run == null ? null : run.latency().p99Millis();
  }

  private static @Nullable Double highestSustained(RelayResult relay) {
    if (relay.rateRuns.isEmpty()) {
      return null;
    }
    Integer rate = relay.highestSustainedRate();
    return rate == null ? 0.0 : rate.doubleValue();
  }

  private static String rates(Profile profile) {
    List<String> rates = new ArrayList<>();
    profile.latencyRates().forEach(rate -> rates.add(String.format(Locale.ROOT, "%,d", rate)));
    return String.join(" / ", rates);
  }

  /**
   * Every relay's latency runs: rate, what the writers reached, percentiles, the quarters' medians and the
   * verdict; then the highest rate each sustained.
   */
  static MarkdownTable latencyByRate(Report report) {
    MarkdownTable table = new MarkdownTable("relay", "target events/s", "written events/s", "p50 ms", "p90 ms",
        "p99 ms", "max ms", "median lag, first / last quarter, ms", "verdict", "highest rate sustained");
    for (RelayResult r : report.relays) {
      Integer highest = r.highestSustainedRate();
      String highestText = highest == null ? "none of " + rates(report.profile)
          : String.format(Locale.ROOT, "%,d events/s", highest);
      for (RateRun run : r.rateRuns) {
        LatencySummary l = run.latency();
        table.row(r.kind.id(), String.format(Locale.ROOT, "%,d", run.targetRate()), Format.rate(run.writtenPerSecond()),
            Format.millis(l.p50Millis()), Format.millis(l.p90Millis()), Format.millis(l.p99Millis()),
            Format.millis(l.maxMillis()), Format.millis(run.firstQuarterP50Millis()) + " / "
                + Format.millis(run.lastQuarterP50Millis()), run.verdictText(), highestText);
      }
    }
    return table;
  }

  private static @Nullable Double p99(@Nullable SagaResult result) {
    return result == null || result.latency() == null ? null : result.latency().p99Millis();
  }

  private static String cpu(double @Nullable [] millis) {
    if (millis == null) {
      return Format.MISSING;
    }
    List<String> parts = new ArrayList<>();
    for (double value : millis) {
      parts.add(Double.isNaN(value) ? Format.MISSING : Format.decimal(value));
    }
    return String.join(" / ", parts);
  }

  static MarkdownTable sagas(Report report) {
    MarkdownTable table = new MarkdownTable("flow", "sagas/s end to end", "sagas (compensated)",
        "latency p50 ms", "p90 ms", "p99 ms", "max ms", "latency run: started/s, counted",
        "messages per saga", "WAL KB per saga", "CPU ms per saga: harness / PostgreSQL / broker");
    for (SagaResult r : report.sagas) {
      LatencySummary l = r.latency();
      table.row(r.id(), Format.rate(r.sagasPerSecond()),
          r.sagas() == 0 ? Format.MISSING : String.format(Locale.ROOT, "%,d (%,d)", r.sagas(), r.compensated()),
          l == null ? Format.MISSING : Format.millis(l.p50Millis()),
          l == null ? Format.MISSING : Format.millis(l.p90Millis()),
          l == null ? Format.MISSING : Format.millis(l.p99Millis()),
          l == null ? Format.MISSING : Format.millis(l.maxMillis()),
          l == null ? Format.MISSING : Format.decimal(r.latencyStartRate()) + ", " + l.count(),
          r.messagesPerSaga() == null ? Format.MISSING : String.format(Locale.ROOT, "%.2f", r.messagesPerSaga()),
          Format.decimal(r.walBytesPerSaga() == null ? null : r.walBytesPerSaga() / 1024),
          cpu(r.cpuMillisPerSaga()));
    }
    return table;
  }

  private static void relayRow(MarkdownTable table, String comparison, RelayResult ours, @Nullable RelayResult base,
                               Function<RelayResult, @Nullable Double> metric,
                               Function<@Nullable Double, String> format,
                               @Nullable Goal goal, boolean goalOnRatio) {
    row(table, comparison, metric.apply(ours), base == null ? null : metric.apply(base), format, goal, goalOnRatio);
  }

  private static void writerRow(MarkdownTable table, Report report, String id, String comparison,
                                @Nullable Double base, @Nullable Goal goal) {
    RoundsResult ours = report.writer(id);
    row(table, comparison, ours == null ? null : ours.perSecond(), base, Format::rate, goal, true);
  }

  /**
   * One headline row. With {@code goalOnRatio} the goal judges the ratio; otherwise it judges OutboxKit's
   * absolute figure.
   */
  private static void row(MarkdownTable table, String comparison, @Nullable Double ours, @Nullable Double base,
                          Function<@Nullable Double, String> format, @Nullable Goal goal, boolean goalOnRatio) {
    Double ratio = Stats.ratio(ours, base);
    String goalText = goal == null ? "" : goal.text();
    String verdict = goal == null ? "" : goal.verdict(goalOnRatio ? ratio : ours);
    table.row(comparison, format.apply(ours), format.apply(base), Format.ratio(ratio), goalText, verdict);
  }

  static MarkdownTable relays(Report report) {
    boolean longDrain = report.profile.longDrainEvents() > 0;
    List<String> header = new ArrayList<>(List.of("relay", "backlog drain, events/s",
        "drain, later half, events/s", "CPU s per 100k events (drain)", "warm backlog drain, events/s",
        "CPU s per 100k events (warm drain)"));
    if (longDrain) {
      header.addAll(List.of(String.format(Locale.ROOT, "long drain (%,d events), events/s",
          report.profile.longDrainEvents()), "long drain, later half, events/s", "CPU s per 100k events (long drain)"));
    }
    header.addAll(List.of("relayed/s, writer running", "writer wrote/s", "behind at end of writer window",
        "peak RSS, MB", "duplicates"));
    MarkdownTable table = new MarkdownTable(header.toArray(String[]::new));
    for (RelayResult r : report.relays) {
      List<String> cells = new ArrayList<>(List.of(r.kind.id(), Format.rate(r.drainPerSecond),
          Format.rate(r.drainSecondHalfPerSecond), Format.decimal(r.cpuSecondsPer100k),
          Format.rate(r.warmDrainPerSecond), Format.decimal(r.warmCpuSecondsPer100k)));
      if (longDrain) {
        cells.addAll(List.of(Format.rate(r.longDrainPerSecond), Format.rate(r.longDrainSecondHalfPerSecond),
            Format.decimal(r.longDrainCpuSecondsPer100k)));
      }
      cells.addAll(List.of(Format.rate(r.withWriterPerSecond), Format.rate(r.writerPerSecond),
          r.behindAtWindowEnd == null ? Format.MISSING : String.format(Locale.ROOT, "%,d", r.behindAtWindowEnd),
          Format.decimal(r.peakRssMegabytes),
          r.missingReason() == null ? Long.toString(r.duplicates) : Format.MISSING));
      table.row(cells.toArray(String[]::new));
    }
    return table;
  }

  static MarkdownTable rounds(List<RoundsResult> results, String unit, int itemsPer, String itemsUnit) {
    List<String> header = new ArrayList<>(List.of("variant", unit + " (median)"));
    if (itemsPer > 0) {
      header.add(itemsUnit);
    }
    header.add("ratio to baseline");
    header.add("rounds");
    MarkdownTable table = new MarkdownTable(header.toArray(String[]::new));
    Double base = results.isEmpty() ? null : results.get(0).perSecond();
    for (RoundsResult r : results) {
      List<String> cells = new ArrayList<>();
      cells.add(r.name());
      cells.add(Format.rate(r.perSecond()));
      if (itemsPer > 0) {
        cells.add(Format.rate(r.perSecond() == null ? null : r.perSecond() * itemsPer));
      }
      cells.add(Format.ratio(Stats.ratio(r.perSecond(), base)));
      StringBuilder rounds = new StringBuilder();
      r.rounds().forEach(rate -> rounds.append(rounds.length() == 0 ? "" : ", ").append(Format.rate(rate)));
      cells.add(rounds.toString());
      table.row(cells.toArray(String[]::new));
    }
    return table;
  }

  /** One shape's writer variants on one server: transactions, business rows and events per second, the ratio. */
  static MarkdownTable writers(Report report, WriterServer server, WriterShape shape) {
    MarkdownTable table = new MarkdownTable("variant", "transactions/s (median)", "business rows/s", "events/s",
        "ratio to baseline", "rounds");
    RoundsResult plain = report.writer(WriterBenchmark.id(server.id(), shape, "plain"));
    RoundsResult roundTrip = report.writer(WriterBenchmark.id(server.id(), shape, WriterBenchmark.ROUND_TRIP));
    Double base = plain == null ? null : plain.perSecond();
    String prefix = WriterBenchmark.id(server.id(), shape, "");
    for (RoundsResult r : report.writers) {
      if (!r.id().startsWith(prefix)) {
        continue;
      }
      Double perSecond = r.perSecond();
      boolean noEvents = r == plain || r == roundTrip;
      StringBuilder rounds = new StringBuilder();
      r.rounds().forEach(rate -> rounds.append(rounds.length() == 0 ? "" : ", ").append(Format.rate(rate)));
      table.row(r.name(), Format.rate(perSecond),
          Format.rate(perSecond == null ? null : perSecond * shape.businessRows()),
          noEvents ? "0" : Format.rate(perSecond == null ? null : perSecond * shape.events()),
          Format.ratio(Stats.ratio(perSecond, base)), rounds.toString());
    }
    return table;
  }

  /**
   * What one more round trip costs a shape on a server, against what the writer's modes reached; empty when the
   * shape has no round-trip variant.
   */
  static String roundTripBound(Report report, WriterServer server, WriterShape shape) {
    RoundsResult roundTrip = report.writer(WriterBenchmark.id(server.id(), shape, WriterBenchmark.ROUND_TRIP));
    if (roundTrip == null) {
      return "";
    }
    Double base = perSecond(report.writer(WriterBenchmark.id(server.id(), shape, "plain")));
    Double bound = roundTrip.perSecond();
    Double table = perSecond(report.writer(WriterBenchmark.id(server.id(), shape, "outboxkit-table")));
    Double wal = perSecond(report.writer(WriterBenchmark.id(server.id(), shape, "outboxkit-wal")));
    return "Round trips: the baseline transaction is three round trips to the server (the order insert, the"
        + " line batch, COMMIT), and the writer's event adds a fourth (one statement). The plain transaction with"
        + " one more statement that writes nothing (" + PlainWriter.EMPTY_STATEMENT + ") reached "
        + Format.ratio(Stats.ratio(bound, base)) + " of the baseline on this server: the most that a writer"
        + " sending its event as a statement of its own can reach here, before it writes anything. TABLE reached "
        + Format.ratio(Stats.ratio(table, base)) + " (" + Format.ratio(Stats.ratio(table, bound))
        + " of that bound), WAL_MESSAGE " + Format.ratio(Stats.ratio(wal, base)) + " ("
        + Format.ratio(Stats.ratio(wal, bound)) + " of that bound).";
  }

  private static @Nullable Double perSecond(@Nullable RoundsResult result) {
    return result == null ? null : result.perSecond();
  }

  private static String capitalized(String text) {
    return text.isEmpty() ? text : Character.toUpperCase(text.charAt(0)) + text.substring(1);
  }

  static MarkdownTable ceiling(Report report) {
    MarkdownTable table = new MarkdownTable("producer", "records/s (median)", "records per round", "settings",
        "rounds");
    for (CeilingResult c : report.ceiling) {
      StringBuilder rounds = new StringBuilder();
      c.rounds().forEach(rate -> rounds.append(rounds.length() == 0 ? "" : ", ").append(Format.rate(rate)));
      table.row(c.name(), Format.rate(c.eventsPerSecond()), String.format(Locale.ROOT, "%,d", c.events()),
          ProducerSettings.describe(c.settings()), rounds.toString());
    }
    return table;
  }

  static List<String> missing(Report report) {
    List<String> lines = new ArrayList<>();
    report.skipped.forEach(part -> lines.add(part + ": left out on the command line"));
    for (RelayResult r : report.relays) {
      if (r.unavailable != null) {
        lines.add("relay " + r.kind.id() + ": " + r.unavailable);
      } else if (r.failure != null) {
        lines.add("relay " + r.kind.id() + ": FAILED: " + r.failure);
      }
    }
    for (RoundsResult r : report.writers) {
      if (r.missingReason() != null) {
        lines.add("writer " + r.id() + ": " + (r.failure() != null ? "FAILED: " : "") + r.missingReason());
      }
    }
    for (RoundsResult r : report.consumers) {
      if (r.missingReason() != null) {
        lines.add("inbox " + r.id() + ": " + (r.failure() != null ? "FAILED: " : "") + r.missingReason());
      }
    }
    for (SagaResult r : report.sagas) {
      if (r.failure() != null) {
        lines.add("saga " + r.id() + ": FAILED: " + r.failure());
      }
    }
    for (CeilingResult c : report.ceiling) {
      if (c.failure() != null) {
        lines.add("ceiling " + c.name() + ": FAILED: " + c.failure());
      }
    }
    return lines;
  }

  static List<String> settings(Report report) {
    Profile p = report.profile;
    List<String> lines = new ArrayList<>();
    if (!report.relays.isEmpty() || !report.writers.isEmpty() || !report.consumers.isEmpty()
        || !report.ceiling.isEmpty()) {
      lines.add("events: " + Payloads.SIZE + "-byte JSON payloads (as written), aggregate type `"
          + Payloads.AGGREGATE_TYPE + "`, " + Payloads.AGGREGATES + " aggregate ids as keys, one topic of one"
          + " partition per relay run; the harness writes the relays' events itself (the same rows for every"
          + " table-reading relay; WAL messages in OutboxKit's envelope for the WAL-message relay)");
    }
    if (!report.relays.isEmpty()) {
      lines.add(p.relayRounds() == 1 ? "relays: each measured once, in the order listed"
          : "relays: each measured " + p.relayRounds() + " times, every other round in reverse order; each figure"
          + " is the median over the rounds (latency: each percentile's median, the largest maximum)");
      lines.add("relay processes: each relay runs in a JVM of its own (" + String.join(" ", report.relayJvmOptions)
          + "); peak RSS is that process's VmHWM at the end of its run; CPU seconds are that process's CPU time"
          + " (user + system) from the first to the last event of the backlog drain, scaled to 100k events");
      lines.add(String.format(Locale.ROOT, "backlog drain: %,d events written before the relay starts (%d per"
          + " transaction); rate = events / time from the first to the last consumption (start-up excluded); the later"
          + " half's rate counts from the consumption that completed the first half of the events to the last one",
          p.drainEvents(), RelayBenchmark.BACKLOG_EVENTS_PER_TRANSACTION));
      lines.add(String.format(Locale.ROOT, "warm backlog drain (right after the first; where the relay's process"
          + " can be stopped): the relay's process is"
          + " stopped (SIGSTOP) while %,d more events are written the same way, then let go on (SIGCONT); rate ="
          + " events / time from the first to the last consumption of them; CPU from SIGCONT to the last; what a"
          + " relay that fell behind while it ran does, its code already compiled, against a fresh process in the"
          + " first drain", p.drainEvents()));
      if (p.longDrainEvents() > 0) {
        lines.add(String.format(Locale.ROOT, "long backlog drain (after the other phases, once per relay, in the"
            + " first round): a database, a topic and a relay process of its own; %,d events written before it"
            + " starts, measured as the backlog drain; a drain of a few seconds is mostly the time a fresh JVM"
            + " takes to compile the relay's code, this one is closer to the backlog a relay finds after an outage"
            + " of minutes", p.longDrainEvents()));
      }
      List<String> threads = new ArrayList<>();
      List<String> perTransaction = new ArrayList<>();
      for (int rate : p.latencyRates()) {
        threads.add(Integer.toString(RelayBenchmark.pacedWriterThreads(rate)));
        perTransaction.add(Integer.toString(RelayBenchmark.pacedEventsPerTransaction(rate)));
      }
      lines.add(String.format(Locale.ROOT, "latency: one run per rate (%s events/s), %s events per transaction,"
          + " %s paced writer threads, each run %d s warm-up left out, %d s measured, the next run once every event"
          + " of the one before was delivered; latency = from the writer's commit call returning to the benchmark"
          + " consumer's poll returning the event, both in the harness JVM (nearest-rank percentiles); the headline's"
          + " p99 goal is judged at %,d events/s, the moonshot (p99 <= 10 ms) at %,d events/s", rates(p),
          String.join(" / ", perTransaction), String.join(" / ", threads), p.latencyWarmUp().toSeconds(),
          p.latencyWindow().toSeconds(),
          p.referenceLatencyRate(), MOONSHOT_RATE));
      lines.add(String.format(Locale.ROOT, "writer running (last phase): %d threads write transactions of %d"
          + " events as fast as they can for %d s (at most %,d events); relayed/s = events consumed within that"
          + " window / window; what was not delivered by the end of the window is reported as behind, then the"
          + " relay is stopped", RelayBenchmark.WRITER_THREADS, RelayBenchmark.EVENTS_PER_TRANSACTION,
          p.withWriterWindow().toSeconds(), p.withWriterMaxEvents()));
      for (RelayResult r : report.relays) {
        if (r.description != null) {
          lines.add("relay " + r.kind.id() + ": " + r.description);
        }
      }
    }
    if (!report.writers.isEmpty()) {
      lines.add(String.format(Locale.ROOT, "writer benchmark: %d threads, each its own connection with"
          + " synchronous_commit on (set by the session), transactions back to back; per shape and variant %d s"
          + " warm-up, %d s measured, %d round(s), median; a fresh database per variant and round; an uncounted run"
          + " of the plain transaction first on each server; no replication slot; shapes: order (one order row"
          + " with a %d-byte JSON document, %d order-line rows in a second JDBC batch, one event), then bulk;"
          + " servers: first an embedded server of its own with fsync=on (both shapes), then the server of the"
          + " other parts (the order shape)",
          WriterBenchmark.THREADS, p.writerWarmUp().toSeconds(), p.writerWindow().toSeconds(), p.rounds(),
          Payloads.SIZE, WriterShape.ORDER_LINES));
      Set<String> described = new HashSet<>();
      for (RoundsResult r : report.writers) {
        String variant = r.id().substring(r.id().indexOf('/') + 1); // the same on every server
        if (!r.description().isEmpty() && described.add(variant)) {
          lines.add("writer " + variant + ": " + r.description());
        }
      }
    }
    if (!report.consumers.isEmpty()) {
      lines.add(String.format(Locale.ROOT, "inbox benchmark: %,d messages produced once, read by each variant"
          + " with a group of its own; max.poll.records %d; one database transaction per poll, then commitSync;"
          + " rate = messages / time from the first non-empty poll to the last commit; %d round(s), median;"
          + " the projection must count every message once", p.inboxMessages(), InboxBenchmark.MAX_POLL_RECORDS,
          p.rounds()));
      for (RoundsResult r : report.consumers) {
        if (!r.description().isEmpty()) {
          lines.add("inbox " + r.id() + ": " + r.description());
        }
      }
    }
    if (!report.sagas.isEmpty()) {
      lines.add(String.format(Locale.ROOT, "saga benchmark: one order saga of 3 participant steps (reserve stock,"
          + " charge payment, schedule shipping), each with a compensation; every %dth saga is refused by shipping"
          + " and compensated; 4 services (order, inventory, payment, shipping), each its own database with its"
          + " outbox, inbox and relay, all in the harness JVM; both flows on the same services, each with its own"
          + " consumers; a warm-up of %,d sagas per flow first; throughput: %,d sagas per flow started by %d"
          + " threads as fast as they go, rate = sagas / time from the first start transaction to the last final"
          + " transaction; latency: %d sagas/s from %d paced threads taking turns, %d s warm-up left out, %d s measured, latency"
          + " = final transaction's now() - start transaction's now() (order service database); after each run"
          + " every saga must have ended as designed and each participant applied each effect once; messages per saga ="
          + " records consumed through the four services' inboxes during the throughput run / sagas (each one inbox"
          + " transaction); WAL per saga = the server's WAL position's advance during the throughput run / sagas; CPU per saga = CPU"
          + " time (user + system) during the throughput run / sagas of the harness JVM (the four relays, every"
          + " consumer and handler), of the PostgreSQL server's processes and of the broker's JVM",
          SagaBenchmark.COMPENSATE_EVERY, p.sagaWarmUpSagas(), p.sagaSagas(), SagaBenchmark.STARTER_THREADS,
          p.sagaLatencyRate(), SagaBenchmark.STARTER_THREADS, p.sagaLatencyWarmUp().toSeconds(), p.sagaLatencyWindow().toSeconds()));
      if (report.sagaIdleCpuMillisPerSecond != null) {
        lines.add("saga services idle (every relay and consumer of both flows running, no saga, "
            + SagaBenchmark.IDLE_WINDOW.toSeconds() + " s right after the warm-up): CPU ms per second, harness /"
            + " PostgreSQL / broker: " + cpu(report.sagaIdleCpuMillisPerSecond) + "; a throughput run's CPU per saga"
            + " includes this much per second of its duration");
      }
      lines.add("saga relays: " + SagaServices.RELAY_SETTINGS);
      lines.add("saga consumers: " + SagaServices.CONSUMER_SETTINGS + "; HikariCP pool of "
          + SagaServices.POOL_SIZE + " connections per service");
      for (SagaResult r : report.sagas) {
        if (!r.description().isEmpty()) {
          lines.add("saga " + r.id() + ": " + r.description());
        }
      }
    }
    if (!report.ceiling.isEmpty()) {
      lines.add(String.format(Locale.ROOT, "ceiling: one producer per round sends %,d records after a warm-up of"
          + " %,d; rate = records / time from the first send to the end of flush(); %d round(s), median",
          p.ceilingEvents(), p.ceilingEvents() / 10, p.rounds()));
    }
    return lines;
  }
}
