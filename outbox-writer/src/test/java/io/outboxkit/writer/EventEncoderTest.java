package io.outboxkit.writer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.outboxkit.core.InvalidEventException;
import io.outboxkit.core.OutboxEvent;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class EventEncoderTest {

  private final EventEncoder encoder = new EventEncoder(PayloadSerializer.jackson(),
      OutboxWriter.DEFAULT_MAX_PAYLOAD_BYTES, UuidV7Generator.SHARED);

  @Test
  void objectsAreSerializedByJacksonAndStringsAndTreesAreTakenAsTheyAre() throws Exception {
    assertThat(payload(Map.of("orderId", 42))).isEqualTo("{\"orderId\":42}");
    assertThat(payload("[1, {\"a\" : null}]")).isEqualTo("[1, {\"a\" : null}]");
    assertThat(payload(new ObjectMapper().readTree("{\"x\": [true]}"))).isEqualTo("{\"x\":[true]}");
    assertThat(payload("  {\"padded\":1}\n")).isEqualTo("{\"padded\":1}");
    assertThat(payload("123456789012345678901234567890")).isEqualTo("123456789012345678901234567890");
    assertThat(encoder.encode(OutboxEvent.of("order", "1", "Deleted", null), null).payload()).isNull();
  }

  @ParameterizedTest
  @ValueSource(strings = {"{\"a\":", "not json", "{'a':1}", "[1,]", "{\"a\":1} trailing", "NaN", "01",
      "\"tab\there\"", "\"bad escape \\x\""})
  void aStringThatIsNotJsonIsRejectedNamingThePayload(String payload) {
    assertThatThrownBy(() -> payload(payload))
        .isInstanceOf(InvalidEventException.class).hasMessageStartingWith("payload is not valid JSON");
  }

  @Test
  void emptyTextSeveralValuesAndNulCharactersAreRejected() {
    assertThatThrownBy(() -> payload(" ")).isInstanceOf(InvalidEventException.class)
        .hasMessageStartingWith("payload is empty");
    assertThatThrownBy(() -> payload("{} {}")).isInstanceOf(InvalidEventException.class)
        .hasMessageStartingWith("payload holds more than one JSON value");
    assertThatThrownBy(() -> payload("{\"a\":\"x\\u0000y\"}")).isInstanceOf(InvalidEventException.class)
        .hasMessageStartingWith("payload holds the character \\u0000");
    assertThatThrownBy(() -> payload(Map.of("k\u0000", 1))).isInstanceOf(InvalidEventException.class)
        .hasMessageStartingWith("payload holds the character \\u0000");
    // an escaped backslash followed by u0000 is fine
    assertThat(payload("\"\\\\u0000\"")).isEqualTo("\"\\\\u0000\"");
  }

  @Test
  void aPayloadJacksonCannotSerializeIsRejectedNamingThePayload() {
    Object unserializable = new Object() {
      public String getValue() {
        throw new IllegalStateException("boom");
      }
    };
    assertThatThrownBy(() -> payload(unserializable))
        .isInstanceOf(InvalidEventException.class).hasMessageStartingWith("payload of type")
        .hasMessageContaining("boom");
    assertThatThrownBy(() -> payload(new Object()))
        .isInstanceOf(InvalidEventException.class).hasMessageStartingWith("payload of type java.lang.Object");
  }

  @Test
  void aCustomSerializerThatFailsOrReturnsNullIsReportedNamingThePayload() {
    EventEncoder failing = new EventEncoder(p -> {
      throw new IllegalArgumentException("unsupported");
    }, 100, UuidV7Generator.SHARED);
    EventEncoder returningNull = new EventEncoder(p -> null, 100, UuidV7Generator.SHARED);

    assertThatThrownBy(() -> failing.encode(OutboxEvent.of("a", "1", "T", 1), null))
        .isInstanceOf(InvalidEventException.class).hasMessageStartingWith("payload of type java.lang.Integer")
        .hasMessageContaining("unsupported");
    assertThatThrownBy(() -> returningNull.encode(OutboxEvent.of("a", "1", "T", 1), null))
        .isInstanceOf(InvalidEventException.class).hasMessageContaining("returned null");
  }

  @Test
  void thePayloadLimitCountsUtf8BytesAndAcceptsExactlyTheLimit() {
    int limit = OutboxWriter.DEFAULT_MAX_PAYLOAD_BYTES;
    String exactly = "\"" + "a".repeat(limit - 2) + "\"";
    String oneMore = "\"" + "a".repeat(limit - 1) + "\"";
    // é is two bytes in UTF-8: half as many characters reach the same limit
    String twoByteChars = "\"" + "é".repeat(limit / 2) + "\"";

    assertThat(payload(exactly)).hasSize(limit);
    assertThatThrownBy(() -> payload(oneMore)).isInstanceOf(InvalidEventException.class)
        .hasMessageStartingWith("payload is 1048577 bytes of UTF-8 JSON, more than the limit of 1048576 bytes");
    assertThatThrownBy(() -> payload(twoByteChars)).isInstanceOf(InvalidEventException.class)
        .hasMessageStartingWith("payload is 1048578 bytes");
  }

  @Test
  void utf8LengthCountsOneToFourBytesPerCharacter() {
    assertThat(PayloadJson.utf8Length("a")).isEqualTo(1);
    assertThat(PayloadJson.utf8Length("é")).isEqualTo(2);
    assertThat(PayloadJson.utf8Length("東")).isEqualTo(3);
    assertThat(PayloadJson.utf8Length("\uD83D\uDE00")).isEqualTo(4);
    String mixed = "aé東\uD83D\uDE00";
    assertThat(PayloadJson.utf8Length(mixed)).isEqualTo(mixed.getBytes(java.nio.charset.StandardCharsets.UTF_8).length);
  }

  @Test
  void valuesLongerThanTheirColumnAreRejectedNamingFieldAndColumn() {
    String tooLong = "x".repeat(256);
    String emoji255 = "\uD83D\uDE00".repeat(255); // 510 chars, but 255 characters for PostgreSQL

    assertThat(encoder.encode(OutboxEvent.of(emoji255, "x".repeat(255), "T", null), null).aggregateType())
        .isEqualTo(emoji255);
    assertThatThrownBy(() -> encoder.encode(OutboxEvent.of(tooLong, "1", "T", null), null))
        .isInstanceOf(InvalidEventException.class)
        .hasMessage("aggregateType is 256 characters long, more than the 255 its column aggregatetype holds");
    assertThatThrownBy(() -> encoder.encode(OutboxEvent.of("a", tooLong, "T", null), null))
        .isInstanceOf(InvalidEventException.class).hasMessageStartingWith("aggregateId is 256 characters");
    assertThatThrownBy(() -> encoder.encode(OutboxEvent.of("a", "1", tooLong, null), 7, null))
        .isInstanceOf(InvalidEventException.class)
        .hasMessageStartingWith("events[7].eventType is 256 characters long")
        .hasMessageContaining("column type");
  }

  @Test
  void nulCharactersAndReservedHeaderNamesAreRejected() {
    assertThatThrownBy(() -> encoder.encode(OutboxEvent.of("a", "1\u00002", "T", null), null))
        .isInstanceOf(InvalidEventException.class).hasMessageStartingWith("aggregateId contains the character");
    assertThatThrownBy(() -> encoder.encode(OutboxEvent.of("a", "1", "T", null).withHeader("id", "x"), null))
        .isInstanceOf(InvalidEventException.class).hasMessageStartingWith("header 'id' is reserved");
    assertThatThrownBy(() -> encoder.encode(OutboxEvent.of("a", "1", "T", null).withHeader("eventType", "x"),
        null)).isInstanceOf(InvalidEventException.class).hasMessageStartingWith("header 'eventType' is reserved");
    assertThatThrownBy(() -> encoder.encode(OutboxEvent.of("a", "1", "T", null).withHeader("h", "a\u0000"),
        null)).isInstanceOf(InvalidEventException.class).hasMessageStartingWith("header 'h' contains");
  }

  @Test
  void inABatchTheMessageNamesTheEventsPosition() {
    assertThatThrownBy(() -> encoder.encode(OutboxEvent.of("a", "1", "T", "{oops"), 3, null))
        .isInstanceOf(InvalidEventException.class).hasMessageStartingWith("events[3].payload is not valid JSON");
    assertThatThrownBy(() -> encoder.encode(OutboxEvent.of("a", "1", "T", new Object()), 4, null))
        .isInstanceOf(InvalidEventException.class).hasMessageStartingWith("events[4].payload of type");
    assertThatThrownBy(() -> encoder.encode(null, 5, null))
        .isInstanceOf(InvalidEventException.class).hasMessage("events[5] must not be null");
  }

  private String payload(Object payload) {
    return encoder.encode(OutboxEvent.of("order", "1", "Created", payload), null).payload();
  }
}
