package io.outboxkit.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class WriterShapeTest {

  @Test
  void theOrderShapeWritesFourBusinessRowsAndOneEvent() {
    WriterShape order = WriterShape.ORDER;

    assertThat(order.businessRows()).isEqualTo(4);
    assertThat(order.rowsWithEvents()).isEqualTo(5);
    assertThat(order.rowBound()).isCloseTo(0.8, within(1e-9));
    assertThat(order.describe()).isEqualTo("1 order row, 3 order-line rows + 1 event");
  }

  @Test
  void eventsDoubleTheRowsOfTheBulkShapeSoItsBoundIsOneHalf() {
    WriterShape bulk = WriterShape.bulk(100);

    assertThat(bulk.businessRows()).isEqualTo(100);
    assertThat(bulk.rowsWithEvents()).isEqualTo(200);
    assertThat(bulk.rowBound()).isEqualTo(0.5);
    assertThat(bulk.describe()).isEqualTo("100 order rows + 100 events");
  }

  @Test
  void fewerEventsRaiseTheBound() {
    assertThat(WriterShape.bulk(10).rowBound()).isCloseTo(100.0 / 110, within(1e-9));
  }

  @Test
  void moreEventsThanOrdersAreRefused() {
    assertThatThrownBy(() -> WriterShape.bulk(101)).hasMessageContaining("events per transaction must be 1-100");
    assertThatThrownBy(() -> new WriterShape("order", 1, 3, 2)).hasMessageContaining("must be 1-1, was 2");
  }
}
