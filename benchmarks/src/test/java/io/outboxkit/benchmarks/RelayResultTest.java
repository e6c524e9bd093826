package io.outboxkit.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class RelayResultTest {

  @Test
  void oneRoundIsItsOwnResult() {
    RelayResult only = round(10_000, 20.0, 40.0);
    assertThat(RelayResult.combine(List.of(only))).isSameAs(only);
  }

  @Test
  void roundsCombineIntoMediansAndTheLargestMaximum() {
    RelayResult combined = RelayResult.combine(List.of(round(10_000, 20.0, 40.0), round(14_000, 30.0, 90.0),
        round(12_000, 26.0, 50.0)));

    assertThat(combined.rounds).isEqualTo(3);
    assertThat(combined.drainPerSecond).isEqualTo(12_000.0);
    assertThat(combined.latency.p99Millis()).isEqualTo(26.0);
    assertThat(combined.latency.maxMillis()).isEqualTo(90.0);
    assertThat(combined.latency.count()).isEqualTo(3_000);
    assertThat(combined.duplicates).isEqualTo(3);
    assertThat(combined.failure).isNull();
  }

  @Test
  void aFailedRoundIsReportedAndTheOthersStillCount() {
    RelayResult failed = new RelayResult(RelayKind.POLLING);
    failed.failure = "relay polling exited unexpectedly";

    RelayResult combined = RelayResult.combine(List.of(round(10_000, 20.0, 40.0), failed));

    assertThat(combined.failure).isEqualTo("relay polling exited unexpectedly");
    assertThat(combined.drainPerSecond).isEqualTo(10_000.0);
    assertThat(combined.withWriterPerSecond).isEqualTo(5_000.0);
  }

  private static RelayResult round(double drain, double p99, double max) {
    RelayResult result = new RelayResult(RelayKind.POLLING);
    result.drainPerSecond = drain;
    result.withWriterPerSecond = 5_000.0;
    result.latency = new LatencySummary(1_000, 5.0, 10.0, p99, max);
    result.duplicates = 1;
    return result;
  }

  @Test
  void aRateCountsAsSustainedOnlyIfEveryRoundSustainedIt() {
    RelayResult first = round(10_000, 20.0, 40.0);
    first.rateRuns = List.of(run(1_000, 1_000, 4.0), run(10_000, 10_000, 5.0));
    RelayResult second = round(12_000, 30.0, 90.0);
    second.rateRuns = List.of(run(1_000, 1_000, 6.0), run(10_000, 8_000, 7.0));

    RelayResult combined = RelayResult.combine(List.of(first, second));

    assertThat(combined.rateRuns).hasSize(2);
    assertThat(combined.rateRuns.get(0).sustained()).isTrue();
    assertThat(combined.rateRuns.get(0).latency().p99Millis()).isEqualTo(5.0);
    assertThat(combined.rateRuns.get(1).verdict()).isEqualTo(RateRun.Verdict.NOT_OFFERED);
    assertThat(combined.rateRuns.get(1).writtenPerSecond()).isEqualTo(9_000.0);
    assertThat(combined.highestSustainedRate()).isEqualTo(1_000);
  }

  private static RateRun run(int rate, double written, double p99) {
    return new RateRun(rate, written, new LatencySummary(100, 1.0, 2.0, p99, p99), 1.0, 1.0,
        RateRun.decide(rate, written, 1.0, 1.0), List.of());
  }
}
