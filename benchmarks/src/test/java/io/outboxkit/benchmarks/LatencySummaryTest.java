package io.outboxkit.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class LatencySummaryTest {

  @Test
  void nearestRankPercentilesOfOneToHundred() {
    long[] sorted = new long[100];
    for (int i = 0; i < 100; i++) {
      sorted[i] = i + 1;
    }
    assertThat(LatencySummary.percentile(sorted, 50)).isEqualTo(50);
    assertThat(LatencySummary.percentile(sorted, 90)).isEqualTo(90);
    assertThat(LatencySummary.percentile(sorted, 99)).isEqualTo(99);
    assertThat(LatencySummary.percentile(sorted, 100)).isEqualTo(100);
    assertThat(LatencySummary.percentile(sorted, 0.5)).isEqualTo(1);
  }

  @Test
  void smallSamplesRoundTheRankUp() {
    long[] sorted = {10, 20, 30};
    assertThat(LatencySummary.percentile(sorted, 50)).isEqualTo(20);
    assertThat(LatencySummary.percentile(sorted, 99)).isEqualTo(30);
    assertThat(LatencySummary.percentile(new long[] {7}, 50)).isEqualTo(7);
  }

  @Test
  void summaryIsInMillisecondsAndLeavesTheSamplesAlone() {
    long[] samples = {3_000_000, 1_000_000, 2_000_000, 40_000_000};
    LatencySummary summary = LatencySummary.ofNanos(samples);
    assertThat(summary.count()).isEqualTo(4);
    assertThat(summary.p50Millis()).isEqualTo(2.0);
    assertThat(summary.p90Millis()).isEqualTo(40.0);
    assertThat(summary.maxMillis()).isEqualTo(40.0);
    assertThat(samples).containsExactly(3_000_000, 1_000_000, 2_000_000, 40_000_000);
  }

  @Test
  void refusesNoSamplesAndPercentilesOutOfRange() {
    assertThatThrownBy(() -> LatencySummary.ofNanos(new long[0])).hasMessageContaining("no latency samples");
    assertThatThrownBy(() -> LatencySummary.percentile(new long[] {1}, 0)).hasMessageContaining("(0, 100]");
    assertThatThrownBy(() -> LatencySummary.percentile(new long[] {1}, 101)).hasMessageContaining("(0, 100]");
  }
}
