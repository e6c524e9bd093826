package io.outboxkit.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;

class ResultChartsTest {

  @Test
  void eachRelayGetsALatencyChartAndEachDrainOneChartOfEveryRelay() throws Exception {
    Report report = new Report(Profile.QUICK, ZonedDateTime.of(2025, 1, 2, 3, 4, 0, 0, ZoneOffset.UTC), "java");
    RelayResult table = new RelayResult(RelayKind.OUTBOXKIT_TABLE);
    table.rateRuns = List.of(RateRun.of(1_000, 1_000, samples(2)), RateRun.of(10_000, 10_000, samples(5)));
    table.drainDelivered = List.of(new double[] {0, 1}, new double[] {1.2, 20_000});
    RelayResult polling = new RelayResult(RelayKind.POLLING);
    polling.rateRuns = List.of(RateRun.of(1_000, 1_000, samples(9)));
    polling.drainDelivered = List.of(new double[] {0, 1}, new double[] {0.9, 20_000});
    report.relays = List.of(table, polling);

    List<ResultCharts.Chart> charts = ResultCharts.of(report, "2025-01-02");

    assertThat(charts).extracting(ResultCharts.Chart::fileName).containsExactly(
        "2025-01-02-latency-outboxkit-table.svg", "2025-01-02-latency-polling.svg", "2025-01-02-latency-by-rate.svg",
        "2025-01-02-drain.svg");
    Document latency = SvgChartTest.parse(charts.get(0).svg());
    assertThat(SvgChartTest.polylines(latency)).extracting(line -> line.getAttribute("data-series"))
        .containsExactly("1,000 events/s", "10,000 events/s");
    Document drain = SvgChartTest.parse(charts.get(3).svg());
    assertThat(SvgChartTest.polylines(drain)).extracting(line -> line.getAttribute("data-series"))
        .containsExactly("outboxkit-table", "polling");
    Document byRate = SvgChartTest.parse(charts.get(2).svg());
    assertThat(SvgChartTest.polylines(byRate).get(0).getAttribute("points").split(" ")).hasSize(2);
  }

  @Test
  void theSagaFlowsGetOneChartOfSagasFinalOverTime() throws Exception {
    Report report = new Report(Profile.QUICK, ZonedDateTime.of(2025, 1, 2, 3, 4, 0, 0, ZoneOffset.UTC), "java");
    List<SagaFlow.FinishedSaga> finished = new java.util.ArrayList<>();
    for (int i = 0; i < 1_001; i++) {
      // started at 1 s (micros), final one every 10 ms from 1.5 s on, given out of order
      finished.add(new SagaFlow.FinishedSaga("s-" + i, 1_000_000, 1_500_000 + (1_000 - i) * 10_000L, true,
          "COMPLETED"));
    }
    List<double[]> overTime = SagaBenchmark.finishedOverTime(finished, 1_000_000);
    assertThat(overTime.get(0)).containsExactly(0, 0);
    assertThat(overTime.get(1)).containsExactly(0.5 + 4 * 0.01, 5);
    assertThat(overTime.get(overTime.size() - 1)).as("the last saga, exactly").containsExactly(10.5, 1_001);
    assertThat(overTime).hasSizeLessThanOrEqualTo(203);
    for (int i = 1; i < overTime.size(); i++) {
      assertThat(overTime.get(i)[1]).isGreaterThan(overTime.get(i - 1)[1]);
    }
    report.sagas = List.of(
        new SagaResult("orchestrated", "", 100.0, 1_001, 100, null, null, null, null, null, overTime, null),
        new SagaResult("choreographed", "", null, 0, 0, null, null, null, null, null, List.of(), "failed"));

    List<ResultCharts.Chart> charts = ResultCharts.of(report, "2025-01-02");

    assertThat(charts).extracting(ResultCharts.Chart::fileName).containsExactly("2025-01-02-sagas.svg");
    assertThat(SvgChartTest.polylines(SvgChartTest.parse(charts.get(0).svg())))
        .extracting(line -> line.getAttribute("data-series")).containsExactly("orchestrated");
  }

  @Test
  void thePercentileCurveRunsFromTheMedianToTheMaximumAlongOneOverOneMinusP() {
    RateRun run = RateRun.of(1_000, 1_000, samples(3));

    List<double[]> curve = ResultCharts.percentileCurve(run);

    assertThat(curve.get(3)[0]).as("p50").isEqualTo(2.0);
    assertThat(curve.get(7)[0]).as("p99").isCloseTo(100.0, within(1e-6));
    assertThat(curve.get(curve.size() - 1)[0]).as("the maximum, at 1 / (1 / count)")
        .isCloseTo(1_000, within(1e-6));
    for (int i = 1; i < curve.size(); i++) {
      assertThat(curve.get(i)[0]).isGreaterThanOrEqualTo(curve.get(i - 1)[0]);
    }
  }

  private static long[] samples(int millis) {
    long[] samples = new long[1_000];
    for (int i = 0; i < samples.length; i++) {
      samples[i] = millis * 1_000_000L + i * 1_000L;
    }
    return samples;
  }
}
