package io.outboxkit.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class TimelineTest {

  private static final long MS = 1_000_000L;

  @Test
  void theLaterHalfsRateLeavesASlowStartOut() {
    Timeline timeline = new Timeline(101);
    // the first 50 events take 1 s (a relay warming up), the other 51 come 1 ms apart
    for (int i = 0; i < 50; i++) {
      timeline.consumed(i, (1 + i * 20L) * MS);
    }
    for (int i = 50; i <= 100; i++) {
      timeline.consumed(i, (1_000 + (i - 50)) * MS);
    }
    long[] span = timeline.consumedSpan(0, 101);
    assertThat(Timeline.rate(100, span[0], span[1])).isCloseTo(95.3, within(0.1));
    assertThat(timeline.secondHalfRate(0, 101)).isCloseTo(1_000.0, within(0.1));
  }

  @Test
  void eventsConsumedOutOfSequenceOrderCountByTime() {
    Timeline timeline = new Timeline(4);
    timeline.consumed(0, 40 * MS);
    timeline.consumed(1, 10 * MS);
    timeline.consumed(2, 30 * MS);
    timeline.consumed(3, 20 * MS);
    // sorted: 10, 20, 30, 40 ms; the later half runs from 30 to 40 ms with one more event
    assertThat(timeline.secondHalfRate(0, 4)).isCloseTo(100.0, within(0.01));
  }
}
