package io.outboxkit.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MarkdownReportTest {

  @Test
  void headlineShowsRatiosBesideAbsoluteFiguresAndJudgesTheGoals() {
    Report report = report();
    report.relays = List.of(
        relay(RelayKind.OUTBOXKIT_TABLE, 30_000, 25.0, 250.0),
        relay(RelayKind.POLLING, 32_000, 50.0, 120.0),
        relay(RelayKind.DEBEZIUM_DEFAULTS, 15_000, 1000.0, 280.0));

    String headline = MarkdownReport.headline(report).render();

    assertThat(headline).contains("| relay (table) backlog drain, events/s, vs Debezium + EventRouter defaults"
        + " | 30,000 | 15,000 | 2.00x | >= 1.50x | met |");
    assertThat(headline).contains("| relay (table) backlog drain, events/s, vs polling relay | 30,000 | 32,000"
        + " | 0.94x | >= 1.00x | missed by 0.06x (6% short) |");
    assertThat(headline).contains("| relay (table) warm backlog drain (same process, stopped while the backlog was"
        + " written), events/s, vs Debezium + EventRouter defaults | 38,000 | 23,000 | 1.65x | >= 1.50x | met |");
    assertThat(headline).contains("| relay (table) warm backlog drain, events/s, vs polling relay | 38,000 | 40,000"
        + " | 0.95x | >= 1.00x | missed by 0.05x (5% short) |");
    assertThat(headline).contains("vs Debezium defaults (lower is better) | 25.0 | 1000.0 | 0.03x | <= 30 ms | met |");
    assertThat(headline).as("the absolute p99 goal is judged once")
        .contains("vs polling relay (lower is better) | 25.0 | 50.0 | 0.50x |  |  |");
    assertThat(headline).contains("peak RSS, MB, vs Debezium defaults (lower is better) | 250.0 | 280.0 | 0.89x"
        + " | < 300 MB | met |");
  }

  @Test
  void theLongDrainIsJudgedLikeTheOtherDrainsWhenTheProfileHasOne() {
    Report report = report(Profile.QUICK.with(null, null, 1_000_000, null));
    RelayResult ours = relay(RelayKind.OUTBOXKIT_TABLE, 30_000, 25.0, 250.0);
    ours.longDrainPerSecond = 60_000.0;
    ours.longDrainSecondHalfPerSecond = 70_000.0;
    ours.longDrainCpuSecondsPer100k = 1.5;
    RelayResult polling = relay(RelayKind.POLLING, 32_000, 50.0, 120.0);
    polling.longDrainPerSecond = 40_000.0;
    RelayResult debezium = relay(RelayKind.DEBEZIUM_DEFAULTS, 15_000, 1000.0, 280.0);
    debezium.longDrainPerSecond = 30_000.0;
    report.relays = List.of(ours, polling, debezium);

    String markdown = MarkdownReport.render(report);

    assertThat(markdown).contains("| relay (table) long backlog drain (1,000,000 events, a relay process of its own),"
        + " events/s, vs Debezium + EventRouter defaults | 60,000 | 30,000 | 2.00x | >= 1.50x | met |");
    assertThat(markdown).contains("| relay (table) long backlog drain (1,000,000 events, a relay process of its own),"
        + " events/s, vs polling relay | 60,000 | 40,000 | 1.50x | >= 1.00x | met |");
    assertThat(markdown).contains("| long drain (1,000,000 events), events/s | long drain, later half, events/s"
        + " | CPU s per 100k events (long drain) |");
    assertThat(markdown).contains("| outboxkit-table | 30,000 | 34,000 | 3.0 | 38,000 | 2.5 | 60,000 | 70,000 | 1.5"
        + " | 12,000 |");
    assertThat(markdown).contains("| polling | 32,000 | 36,000 | 3.0 | 40,000 | 2.5 | 40,000 | n/a | n/a | 12,000 |");
    assertThat(markdown).contains("- long backlog drain (after the other phases");
  }

  @Test
  void theLongDrainIsLeftOutWhenTheProfileHasNone() {
    Report report = report();
    report.relays = List.of(relay(RelayKind.OUTBOXKIT_TABLE, 30_000, 25.0, 250.0));

    String markdown = MarkdownReport.render(report);

    assertThat(markdown).doesNotContain("long backlog drain").doesNotContain("long drain");
  }

  @Test
  void whatWasNotMeasuredIsSaidAndNotJudged() {
    Report report = report();
    RelayResult unavailable = new RelayResult(RelayKind.OUTBOXKIT_TABLE);
    unavailable.unavailable = "OutboxKit's relay is not wired into the harness yet";
    report.relays = List.of(unavailable, relay(RelayKind.DEBEZIUM_DEFAULTS, 15_000, 1000.0, 280.0));
    report.writerServers = List.of(new WriterServer("durable", "fsync=on", List.of(WriterShape.bulk(100))));
    report.writers = List.of(
        new RoundsResult("durable/bulk/plain", "plain transaction (baseline)", "100 rows", 200.0, List.of(200.0), null,
            null),
        new RoundsResult("durable/bulk/outboxkit-table", "outboxkit-table", "", null, List.of(), "writer not wired",
            null));
    report.skipped.add("inbox");

    String markdown = MarkdownReport.render(report);

    assertThat(markdown).contains("| relay (table) backlog drain, events/s, vs Debezium + EventRouter defaults"
        + " | n/a | 15,000 | n/a | >= 1.50x | not measured |");
    assertThat(markdown).contains("| writer TABLE, bulk shape (100 order rows + 100 events; row bound 0.50x),"
        + " durable commits (fsync=on), transactions/s, vs the same transaction without the events | n/a | 200 | n/a"
        + " |  |  |");
    assertThat(markdown).contains("## Not measured")
        .contains("- inbox: left out on the command line")
        .contains("- relay outboxkit-table: OutboxKit's relay is not wired into the harness yet")
        .contains("- writer durable/bulk/outboxkit-table: writer not wired");
    assertThat(markdown).contains("| plain transaction (baseline) | 200 | 20,000 | 0 | 1.00x | 200 |");
    assertThat(markdown).contains("- cores: 2").contains("## Reproduce").contains("--profile quick");
  }

  @Test
  void relayTableListsEveryPhase() {
    Report report = report();
    report.relays = List.of(relay(RelayKind.POLLING, 32_000, 50.0, 120.0));

    String table = MarkdownReport.relays(report).render();

    assertThat(table).contains("| polling | 32,000 | 36,000 | 3.0 | 40,000 | 2.5 | 12,000 | 20,000 | 64,000 | 120.0 | 0 |");
  }

  @Test
  void theOrderShapeIsJudgedOnTheDurableServerAndTheBulkShapeShowsItsRowBound() {
    Report report = report();
    report.writerServers = List.of(
        new WriterServer("durable", "synchronous_commit=on, fsync=on", List.of(WriterShape.ORDER, WriterShape.bulk(100))),
        new WriterServer("shared", "synchronous_commit=on, fsync=off", List.of(WriterShape.ORDER)));
    report.writers = List.of(
        writer("durable/order/plain", 2_000), writer("durable/order/plain-round-trip", 1_900),
        writer("durable/order/outboxkit-table", 1_800), writer("durable/order/outboxkit-table-delete", 1_500),
        writer("durable/order/outboxkit-wal", 1_880),
        writer("durable/bulk/plain", 1_000), writer("durable/bulk/outboxkit-table", 520),
        writer("durable/bulk/outboxkit-table-delete", 500), writer("durable/bulk/outboxkit-wal", 700),
        writer("shared/order/plain", 4_000), writer("shared/order/plain-round-trip", 3_000),
        writer("shared/order/outboxkit-table", 2_800), writer("shared/order/outboxkit-table-delete", 2_400),
        writer("shared/order/outboxkit-wal", 2_920));

    String markdown = MarkdownReport.render(report);

    assertThat(markdown).contains("| writer TABLE, order shape (1 order row, 3 order-line rows + 1 event), durable"
        + " commits (fsync=on), transactions/s, vs the same transaction without the event | 1,800 | 2,000 | 0.90x"
        + " | >= 0.85x | met |");
    assertThat(markdown).contains("| writer WAL_MESSAGE, order shape (1 order row, 3 order-line rows + 1 event),"
        + " durable commits (fsync=on), transactions/s, vs the same transaction without the event | 1,880 | 2,000"
        + " | 0.94x | >= 0.95x | missed by 0.01x (1% short) |");
    assertThat(markdown).as("the server without flush is shown, not judged")
        .contains("| writer TABLE, order shape (1 order row, 3 order-line rows + 1 event), commits without flush"
            + " (fsync=off), transactions/s, vs the same transaction without the event | 2,800 | 4,000 | 0.70x |  |  |")
        .contains("| bound: the plain transaction + one empty round trip (SELECT 1), order shape, commits without"
            + " flush (fsync=off), transactions/s, vs the plain transaction | 3,000 | 4,000 | 0.75x |  |  |");
    assertThat(markdown).contains("| writer TABLE, bulk shape (100 order rows + 100 events; row bound 0.50x),"
        + " durable commits (fsync=on), transactions/s, vs the same transaction without the events | 520 | 1,000"
        + " | 0.52x |  |  |");
    assertThat(markdown).contains("### Durable commits (fsync=on): a server of its own, where the goals are judged")
        .contains("Server settings: synchronous_commit=on, fsync=on.")
        .contains("### Commits without flush (fsync=off): the server of the other parts")
        .contains("#### Order shape: 1 order row, 3 order-line rows + 1 event")
        .contains("#### Bulk shape: 100 order rows + 100 events")
        .contains("Here the events double the rows: that is the physical limit of this shape");
    assertThat(markdown).as("the round-trip bound, per server")
        .contains("(SELECT 1) reached 0.95x of the baseline on this server")
        .contains("TABLE reached 0.90x (0.95x of that bound), WAL_MESSAGE 0.94x (0.99x of that bound).")
        .contains("(SELECT 1) reached 0.75x of the baseline on this server")
        .contains("TABLE reached 0.70x (0.93x of that bound), WAL_MESSAGE 0.73x (0.97x of that bound).");
    assertThat(markdown).as("order shape: 4 business rows and 1 event per transaction")
        .contains("| OutboxKit durable/order/outboxkit-table | 1,800 | 7,200 | 1,800 | 0.90x | 1,800 |")
        .contains("| OutboxKit durable/order/plain-round-trip | 1,900 | 7,600 | 0 | 0.95x | 1,900 |");
    assertThat(markdown).as("bulk shape: 100 business rows and 100 events per transaction")
        .contains("| OutboxKit durable/bulk/outboxkit-wal | 700 | 70,000 | 70,000 | 0.70x | 700 |");
    assertThat(markdown).as("each server's settings in the machine section")
        .contains("- PostgreSQL settings, writer benchmark's durable server (durable commits (fsync=on)):"
            + " synchronous_commit=on, fsync=on")
        .contains("- PostgreSQL settings, writer benchmark's shared server (commits without flush (fsync=off)):"
            + " synchronous_commit=on, fsync=off");
  }

  @Test
  void latencyByRateShowsEachRunTheVerdictsAndTheMoonshot() {
    Report report = report();
    RelayResult ours = relay(RelayKind.OUTBOXKIT_TABLE, 30_000, 8.0, 250.0);
    ours.rateRuns = List.of(run(1_000, 1_000, 8.0, 4.0, 4.5), run(5_000, 4_990, 9.0, 4.5, 5.0),
        run(10_000, 9_900, 12.0, 5.0, 6.0));
    RelayResult polling = relay(RelayKind.POLLING, 32_000, 13.0, 120.0);
    polling.rateRuns = List.of(run(1_000, 1_000, 13.0, 9.0, 9.0), run(5_000, 5_000, 40.0, 10.0, 200.0),
        run(10_000, 8_000, 900.0, 20.0, 800.0));
    report.relays = List.of(ours, polling);

    String markdown = MarkdownReport.render(report);

    assertThat(markdown).contains("| relay (table) latency p99 at 10,000 events/s, ms, vs polling relay (lower is"
        + " better; moonshot) | 12.0 | 900.0 | 0.01x | <= 10 ms | missed by 2 ms (20% over) |");
    assertThat(markdown).contains("| relay (table) highest rate sustained of 1,000 / 5,000 / 10,000 events/s, vs"
        + " polling relay | 10,000 | 1,000 | 10.00x |  |  |");
    assertThat(markdown).contains("### Latency by rate")
        .contains("| outboxkit-table | 10,000 | 9,900 | 4.0 | 6.0 | 12.0 | 14.0 | 5.0 / 6.0 | sustained"
            + " | 10,000 events/s |")
        .contains("| polling | 5,000 | 5,000 | 4.0 | 6.0 | 40.0 | 42.0 | 10.0 / 200.0 | fell behind: median lag"
            + " grew from 10.0 to 200.0 ms | 1,000 events/s |")
        .contains("| polling | 10,000 | 8,000 | 4.0 | 6.0 | 900.0 | 902.0 | 20.0 / 800.0 | not offered: the"
            + " writers reached 8,000/s (< 95%); even so the median lag grew from 20.0 to 800.0 ms | 1,000 events/s |");
  }

  @Test
  void chartsAreLinkedBesideTheResults() {
    Report report = report();
    report.charts = List.of(new ResultCharts.Chart("2025-01-02-drain.svg", "Events delivered", "<svg/>"));

    assertThat(MarkdownReport.render(report)).contains("## Charts\n\n![Events delivered](2025-01-02-drain.svg)");
  }

  private static RoundsResult writer(String id, double perSecond) {
    String name = id.endsWith("/plain") ? "plain transaction (baseline)" : "OutboxKit " + id;
    return new RoundsResult(id, name, "", perSecond, List.of(perSecond), null, null);
  }

  private static RateRun run(int rate, double written, double p99, double firstQuarter, double lastQuarter) {
    return new RateRun(rate, written, new LatencySummary(1_000, 4.0, 6.0, p99, p99 + 2),
        firstQuarter, lastQuarter, RateRun.decide(rate, written, firstQuarter, lastQuarter),
        List.of(new double[] {50, 4.0}, new double[] {100, p99 + 2}));
  }

  @Test
  void sagasAreJudgedAgainstTheChoreographyAndTheAbsoluteGoals() {
    Report report = report();
    report.sagas = List.of(
        new SagaResult("orchestrated", "the orchestrator", 400.0, 2_000, 200,
            new LatencySummary(1_000, 40.0, 60.0, 120.0, 150.0), 100.0, 6.6, 13_312.0, new double[] {4.0, 3.5, 1.25}, List.of(), null),
        new SagaResult("choreographed", "events", 450.0, 2_000, 200,
            new LatencySummary(1_000, 20.0, 30.0, 50.0, 70.0), 99.8, 4.2, 4_096.0, null, List.of(), null));

    String markdown = MarkdownReport.render(report);

    assertThat(markdown).contains("| saga orchestrated (3 participants), sagas/s end to end, vs the same saga"
        + " choreographed | 400 | 450 | 0.89x | >= 0.80x | met |");
    assertThat(markdown).contains("| saga orchestrated, sagas/s end to end (absolute goal; baseline column:"
        + " choreographed) | 400 | 450 | 0.89x | >= 500 sagas/s | missed by 100 sagas/s (20% short) |");
    assertThat(markdown).contains("| saga orchestrated, completion p99 at 100 sagas/s, ms, vs choreographed (lower"
        + " is better) | 120.0 | 50.0 | 2.40x | <= 100 ms | missed by 20 ms (20% over) |");
    assertThat(markdown).contains("## Sagas: orchestrated and choreographed")
        .contains("| orchestrated | 400 | 2,000 (200) | 40.0 | 60.0 | 120.0 | 150.0 | 100.0, 1000 | 6.60 | 13.0 | 4.0 / 3.5 / 1.3 |");
    assertThat(markdown).contains("- saga orchestrated: the orchestrator");
    assertThat(markdown).as("the relay events' shape is no setting of a saga-only run").doesNotContain("- events: ");
  }

  @Test
  void aFailedSagaFlowIsListedAndFailsTheRun() {
    Report report = report();
    report.sagas = List.of(SagaResult.failed("orchestrated", "", "3 of 500 sagas not final in time"));

    assertThat(MarkdownReport.render(report)).contains("- saga orchestrated: FAILED: 3 of 500 sagas not final in time");
    assertThat(report.hasFailures()).isTrue();
  }

  private static Report report() {
    return report(Profile.QUICK);
  }

  private static Report report(Profile profile) {
    Report report = new Report(profile, ZonedDateTime.of(2025, 1, 2, 3, 4, 0, 0, ZoneOffset.UTC),
        "java -jar benchmarks/target/benchmarks.jar --profile quick");
    report.machine = Map.of("cores", "2");
    report.wallTime = Duration.ofSeconds(200);
    return report;
  }

  private static RelayResult relay(RelayKind kind, double drain, double p99, double rss) {
    RelayResult result = new RelayResult(kind);
    result.description = kind.id();
    result.drainEvents = 20_000;
    result.drainPerSecond = drain;
    result.drainSecondHalfPerSecond = drain + 4_000;
    result.cpuSecondsPer100k = 3.0;
    result.warmDrainPerSecond = drain + 8_000;
    result.warmCpuSecondsPer100k = 2.5;
    result.withWriterPerSecond = 12_000.0;
    result.writerPerSecond = 20_000.0;
    result.behindAtWindowEnd = 64_000L;
    result.latency = new LatencySummary(10_000, 10.0, 20.0, p99, 60.0);
    result.latencyRateAchieved = 1_000.0;
    result.peakRssMegabytes = rss;
    return result;
  }
}
