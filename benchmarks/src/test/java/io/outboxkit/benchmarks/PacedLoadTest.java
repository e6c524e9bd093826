package io.outboxkit.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PacedLoadTest {

  @Test
  void oneEventPerTransactionUpToFiveThousandPerSecondThenAsFewAsKeepTheTransactionsThere() {
    assertThat(RelayBenchmark.pacedEventsPerTransaction(1_000)).isEqualTo(1);
    assertThat(RelayBenchmark.pacedEventsPerTransaction(5_000)).isEqualTo(1);
    assertThat(RelayBenchmark.pacedEventsPerTransaction(5_001)).isEqualTo(2);
    assertThat(RelayBenchmark.pacedEventsPerTransaction(10_000)).isEqualTo(2);
    assertThat(RelayBenchmark.pacedEventsPerTransaction(20_000)).isEqualTo(4);
  }
}
