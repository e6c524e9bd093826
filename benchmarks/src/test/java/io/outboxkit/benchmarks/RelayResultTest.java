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
}
