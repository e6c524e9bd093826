package io.outboxkit.writer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.outboxkit.core.InvalidEventException;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PayloadSerializerTest {

  @Test
  void jacksonSerializerWritesObjectsAndKeepsJsonTextAsItIs() {
    PayloadSerializer serializer = PayloadSerializer.jackson();
    assertThat(serializer.toJson(Map.of("orderId", 7))).isEqualTo("{\"orderId\":7}");
    assertThat(serializer.toJson("[1, 2]")).isEqualTo("[1, 2]");
  }

  @Test
  void jacksonSerializerNamesThePayloadTypeItCannotWrite() {
    assertThatThrownBy(() -> PayloadSerializer.jackson().toJson(new Object()))
        .isInstanceOf(InvalidEventException.class)
        .hasMessageContaining("java.lang.Object")
        .hasMessageContaining("cannot be serialized");
  }
}
