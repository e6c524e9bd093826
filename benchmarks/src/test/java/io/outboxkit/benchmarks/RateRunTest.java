package io.outboxkit.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class RateRunTest {

  @Test
  void aSteadyLagAtTheOfferedRateIsSustained() {
    assertThat(RateRun.decide(10_000, 9_600, 5.0, 9.0)).isEqualTo(RateRun.Verdict.SUSTAINED);
    assertThat(RateRun.decide(1_000, 1_000, 300.0, 550.0)).as("a slow relay that keeps its pace")
        .isEqualTo(RateRun.Verdict.SUSTAINED);
  }

  @Test
  void aLagThatGrowsMeansTheRelayFellBehind() {
    assertThat(RateRun.decide(10_000, 10_000, 5.0, 15.1)).isEqualTo(RateRun.Verdict.LAG_GROWING);
    assertThat(RateRun.decide(10_000, 10_000, 5.0, 15.0)).isEqualTo(RateRun.Verdict.SUSTAINED);
  }

  @Test
  void aRateTheWritersDidNotReachWasNotOffered() {
    assertThat(RateRun.decide(10_000, 9_499, 5.0, 5.0)).isEqualTo(RateRun.Verdict.NOT_OFFERED);
    assertThat(RateRun.decide(10_000, 9_500, 5.0, 5.0)).isEqualTo(RateRun.Verdict.SUSTAINED);
  }

  @Test
  void aRateNotOfferedStillSaysWhenTheLagGrew() {
    RateRun run = new RateRun(5_000, 3_400, new LatencySummary(100, 1, 2, 3, 4), 20.0, 3_600.0,
        RateRun.decide(5_000, 3_400, 20.0, 3_600.0), List.of());

    assertThat(run.verdict()).isEqualTo(RateRun.Verdict.NOT_OFFERED);
    assertThat(run.verdictText()).isEqualTo("not offered: the writers reached 3,400/s (< 95%); even so the median"
        + " lag grew from 20.0 to 3600.0 ms");
  }

  @Test
  void aRunComparesTheMedianLagOfItsFirstAndLastQuarter() {
    long[] growing = new long[400];
    for (int i = 0; i < growing.length; i++) {
      growing[i] = i * 1_000_000L; // the i-th event waited i ms: a backlog building up
    }

    RateRun run = RateRun.of(1_000, 1_000, growing);

    assertThat(run.firstQuarterP50Millis()).isEqualTo(49.0);
    assertThat(run.lastQuarterP50Millis()).isEqualTo(349.0);
    assertThat(run.verdict()).isEqualTo(RateRun.Verdict.LAG_GROWING);
    assertThat(run.verdictText()).isEqualTo("fell behind: median lag grew from 49.0 to 349.0 ms");
    assertThat(run.latency().p99Millis()).isEqualTo(395.0);
    assertThat(run.latency().maxMillis()).isEqualTo(399.0);
  }

  @Test
  void theCurveKeepsThePercentilesTheSamplesCanTellAndEndsWithTheMaximum() {
    long[] samples = new long[1_000];
    for (int i = 0; i < samples.length; i++) {
      samples[i] = 2_000_000L; // 2 ms
    }
    samples[500] = 80_000_000L;

    RateRun run = RateRun.of(1_000, 1_000, samples);

    List<double[]> curve = run.curve();
    assertThat(curve).extracting(point -> point[0])
        .containsExactly(0.01, 10.0, 25.0, 50.0, 75.0, 90.0, 95.0, 99.0, 99.5, 99.9, 100.0);
    assertThat(curve.get(curve.size() - 1)[1]).isEqualTo(80.0);
    assertThat(curve.get(3)[1]).isEqualTo(2.0);
    assertThat(run.verdict()).isEqualTo(RateRun.Verdict.SUSTAINED);
  }

  @Test
  void theHighestSustainedRateIgnoresRatesThatWereNot() {
    RateRun low = RateRun.of(1_000, 1_000, new long[] {1, 1, 1, 1});
    RateRun middle = RateRun.of(5_000, 5_000, new long[] {1, 1, 1, 1});
    RateRun notOffered = RateRun.of(10_000, 7_000, new long[] {1, 1, 1, 1});

    assertThat(RateRun.highestSustained(List.of(low, middle, notOffered))).isEqualTo(5_000);
    assertThat(RateRun.highestSustained(List.of(notOffered))).isNull();
  }
}
