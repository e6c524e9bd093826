package io.outboxkit.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class MarkdownTableTest {

  @Test
  void rendersHeaderSeparatorAndRows() {
    String table = new MarkdownTable("relay", "events/s")
        .row("polling", "12,345")
        .row("debezium-defaults")
        .render();
    assertThat(table).isEqualTo("""
        | relay | events/s |
        | --- | --- |
        | polling | 12,345 |
        | debezium-defaults |  |
        """);
  }

  @Test
  void pipesAndLineBreaksCannotBreakTheTable() {
    String table = new MarkdownTable("a").row("x | y\nz").render();
    assertThat(table).contains("| x \\| y z |");
  }

  @Test
  void refusesRowsWiderThanTheHeader() {
    assertThatThrownBy(() -> new MarkdownTable("a").row("1", "2")).hasMessageContaining("2 cells");
  }
}
