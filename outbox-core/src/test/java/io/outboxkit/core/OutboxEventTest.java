package io.outboxkit.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class OutboxEventTest {

  @Test
  void requiresAggregateTypeAggregateIdAndEventType() {
    assertThatThrownBy(() -> OutboxEvent.of(null, "1", "Created", "{}"))
        .isInstanceOf(InvalidEventException.class).hasMessage("aggregateType must not be null");
    assertThatThrownBy(() -> OutboxEvent.of("order", " ", "Created", "{}"))
        .isInstanceOf(InvalidEventException.class).hasMessage("aggregateId must not be blank");
    assertThatThrownBy(() -> OutboxEvent.of("order", "1", "", "{}"))
        .isInstanceOf(InvalidEventException.class).hasMessage("eventType must not be blank");
  }

  @Test
  void headersAreCopiedInOrderAndCannotBeChangedAfterwards() {
    Map<String, String> given = new LinkedHashMap<>();
    given.put("b", "2");
    given.put("a", "1");
    OutboxEvent event = OutboxEvent.of("order", "1", "Created", "{}").withHeaders(given);
    given.put("c", "3");
    assertThat(event.headers()).containsExactly(Map.entry("b", "2"), Map.entry("a", "1"));
    assertThat(event.withHeader("c", "3").headers()).containsKeys("a", "b", "c");
    assertThatThrownBy(() -> event.headers().put("x", "y")).isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void rejectsNullHeaderValues() {
    Map<String, String> given = new LinkedHashMap<>();
    given.put("tenant", null);
    assertThatThrownBy(() -> OutboxEvent.of("order", "1", "Created", "{}").withHeaders(given))
        .isInstanceOf(InvalidEventException.class).hasMessageContaining("header 'tenant' has a null value");
  }
}
