package io.outboxkit.inbox.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import io.outboxkit.core.internal.InboxMeters;
import io.outboxkit.inbox.InboxOutcome;
import org.junit.jupiter.api.Test;

class RunnerStatisticsTest {

  @Test
  void eachEventCountsInItsOwnCounter() {
    RunnerStatistics statistics = new RunnerStatistics(InboxMeters.NONE.runner("test"));
    assertThat(statistics.snapshot()).isEqualTo(new InboxKafkaRunner.Stats(0, 0, 0, 0, 0, 0));

    statistics.outcome(InboxOutcome.PROCESSED);
    statistics.outcome(InboxOutcome.PROCESSED);
    statistics.outcome(InboxOutcome.DUPLICATE);
    for (int i = 0; i < 3; i++) {
      statistics.failedAttempt();
    }
    statistics.deadLettered();
    statistics.skipped();
    statistics.skipped();
    statistics.outage();

    assertThat(statistics.snapshot()).isEqualTo(new InboxKafkaRunner.Stats(2, 1, 3, 1, 2, 1));
  }
}
