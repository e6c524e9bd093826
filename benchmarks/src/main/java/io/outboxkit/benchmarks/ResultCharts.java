package io.outboxkit.benchmarks;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;

/**
 * The SVG charts written beside a results file: for each relay its latency percentile curve at each rate,
 * every relay's p99 by rate, the events delivered over time during each drain (one line per relay), and the
 * sagas final over time in each saga flow's throughput run.
 */
final class ResultCharts {

  /**
   * One chart file.
   *
   * @param fileName the file's name, in the results file's directory
   * @param title what it shows, also the link text in the results
   * @param svg the document
   */
  record Chart(String fileName, String title, String svg) {
  }

  /** The x axis of a percentile curve: {@code 1 / (1 - p)} on a log scale, labelled with the percentile. */
  static final List<SvgChart.Tick> PERCENTILE_TICKS = List.of(new SvgChart.Tick(1, "0%"),
      new SvgChart.Tick(2, "50%"), new SvgChart.Tick(10, "90%"), new SvgChart.Tick(100, "99%"),
      new SvgChart.Tick(1_000, "99.9%"), new SvgChart.Tick(10_000, "99.99%"), new SvgChart.Tick(100_000, "99.999%"),
      new SvgChart.Tick(1_000_000, "99.9999%"));

  private ResultCharts() {
  }

  /** The charts of a report; file names start with {@code stem} (the results file's name without .md). */
  static List<Chart> of(Report report, String stem) {
    List<Chart> charts = new ArrayList<>();
    for (RelayResult relay : report.relays) {
      if (relay.rateRuns.isEmpty()) {
        continue;
      }
      String title = "Commit-to-consume latency by percentile, " + relay.kind.id();
      SvgChart chart = new SvgChart(title, "percentile (log scale of 1 / (1 - p))", "latency, ms (log scale)")
          .xScale(SvgChart.Scale.LOG).yScale(SvgChart.Scale.LOG).xTicks(PERCENTILE_TICKS);
      for (RateRun run : relay.rateRuns) {
        chart.add(new SvgChart.Series(String.format(Locale.ROOT, "%,d events/s", run.targetRate()),
            percentileCurve(run)));
      }
      charts.add(new Chart(stem + "-latency-" + relay.kind.id() + ".svg", title, chart.render()));
    }
    if (report.relays.stream().anyMatch(r -> !r.rateRuns.isEmpty())) {
      String title = "Latency p99 by rate (one event per transaction up to 5,000 events/s)";
      SvgChart chart = new SvgChart(title, "target rate, events/s", "p99 latency, ms (log scale)")
          .yScale(SvgChart.Scale.LOG);
      for (RelayResult relay : report.relays) {
        List<double[]> points = new ArrayList<>();
        relay.rateRuns.forEach(run -> points.add(new double[] {run.targetRate(), run.latency().p99Millis()}));
        if (!points.isEmpty()) {
          chart.add(new SvgChart.Series(relay.kind.id(), points));
        }
      }
      charts.add(new Chart(stem + "-latency-by-rate.svg", title, chart.render()));
    }
    addDrain(charts, report, stem + "-drain.svg", String.format(Locale.ROOT, "Events delivered during the backlog"
        + " drain (%,d events, fresh relay process)", report.profile.drainEvents()), r -> r.drainDelivered);
    addDrain(charts, report, stem + "-warm-drain.svg", String.format(Locale.ROOT, "Events delivered during the warm"
        + " backlog drain (%,d events, same process)", report.profile.drainEvents()), r -> r.warmDrainDelivered);
    addDrain(charts, report, stem + "-long-drain.svg", String.format(Locale.ROOT, "Events delivered during the long"
        + " backlog drain (%,d events)", report.profile.longDrainEvents()), r -> r.longDrainDelivered);
    SvgChart sagas = new SvgChart("Sagas final over time, throughput run (all started at once)",
        "seconds since the first saga started", "sagas final (completed or compensated)");
    boolean anySaga = false;
    for (SagaResult saga : report.sagas) {
      if (!saga.finishedOverTime().isEmpty()) {
        sagas.add(new SvgChart.Series(saga.id(), saga.finishedOverTime()));
        anySaga = true;
      }
    }
    if (anySaga) {
      charts.add(new Chart(stem + "-sagas.svg", "Sagas final over time, throughput run (all started at once)",
          sagas.render()));
    }
    return charts;
  }

  private static void addDrain(List<Chart> charts, Report report, String fileName, String title,
                               Function<RelayResult, List<double[]>> series) {
    SvgChart chart = new SvgChart(title, "seconds since the drain's first event arrived", "events delivered");
    boolean any = false;
    for (RelayResult relay : report.relays) {
      List<double[]> points = series.apply(relay);
      if (!points.isEmpty()) {
        chart.add(new SvgChart.Series(relay.kind.id(), points));
        any = true;
      }
    }
    if (any) {
      charts.add(new Chart(fileName, title, chart.render()));
    }
  }

  /** A run's curve as chart points: {@code [1 / (1 - p), millis]}; the maximum at {@code 1 / (1 / count)}. */
  static List<double[]> percentileCurve(RateRun run) {
    List<double[]> points = new ArrayList<>();
    for (double[] point : run.curve()) {
      double x = point[0] >= 100 ? run.latency().count() : 100 / (100 - point[0]);
      if (!points.isEmpty() && x <= points.get(points.size() - 1)[0]) {
        x = points.get(points.size() - 1)[0];
      }
      points.add(new double[] {x, point[1]});
    }
    return points;
  }
}
