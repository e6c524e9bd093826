package io.outboxkit.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class GoalTest {

  @Test
  void ratioGoalIsMetAtOrAboveTheTarget() {
    Goal goal = Goal.ratioAtLeast(1.5);
    assertThat(goal.text()).isEqualTo(">= 1.50x");
    assertThat(goal.verdict(1.5)).isEqualTo("met");
    assertThat(goal.verdict(2.0)).isEqualTo("met");
  }

  @Test
  void aMissedRatioSaysByHowMuch() {
    assertThat(Goal.ratioAtLeast(1.5).verdict(1.2)).isEqualTo("missed by 0.30x (20% short)");
  }

  @Test
  void absoluteGoalsSayByHowMuchTheyAreExceeded() {
    assertThat(Goal.atMost(30, "ms").text()).isEqualTo("<= 30 ms");
    assertThat(Goal.atMost(30, "ms").verdict(30.0)).isEqualTo("met");
    assertThat(Goal.atMost(30, "ms").verdict(45.0)).isEqualTo("missed by 15 ms (50% over)");
    assertThat(Goal.below(300, "MB").verdict(300.0)).isEqualTo("missed by 0 MB (0% over)");
    assertThat(Goal.below(300, "MB").verdict(212.4)).isEqualTo("met");
  }

  @Test
  void anAbsoluteMinimumSaysByHowMuchItFellShort() {
    Goal goal = Goal.atLeast(500, "sagas/s");
    assertThat(goal.text()).isEqualTo(">= 500 sagas/s");
    assertThat(goal.verdict(500.0)).isEqualTo("met");
    assertThat(goal.verdict(400.0)).isEqualTo("missed by 100 sagas/s (20% short)");
  }

  @Test
  void noFigureIsNotMeasured() {
    assertThat(Goal.ratioAtLeast(0.8).verdict(null)).isEqualTo("not measured");
  }
}
