package io.outboxkit.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
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

  @Test
  void deliveredOverTimeCountsEventsFromTheFirstConsumption() {
    Timeline timeline = new Timeline(11);
    for (int seq = 0; seq < 11; seq++) {
      timeline.consumed(seq, 5_000_000_000L + seq * 100_000_000L); // one event every 100 ms
    }

    List<double[]> points = timeline.deliveredOverTime(0, 11, 3);

    assertThat(points).hasSize(3);
    assertThat(points.get(0)).containsExactly(0.0, 1.0);
    assertThat(points.get(1)[0]).isCloseTo(0.5, within(1e-9));
    assertThat(points.get(1)[1]).isEqualTo(6.0);
    assertThat(points.get(2)[0]).isCloseTo(1.0, within(1e-9));
    assertThat(points.get(2)[1]).isEqualTo(11.0);
    assertThat(timeline.deliveredOverTime(0, 2, 200)).as("never more points than events").hasSize(2);
  }
}
