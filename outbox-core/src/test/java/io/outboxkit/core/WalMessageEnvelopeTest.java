package io.outboxkit.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class WalMessageEnvelopeTest {

  private static final UUID ID = UUID.fromString("0190f5c2-7a3b-7cde-8f01-23456789abcd");
  private static final Instant CREATED = Instant.parse("2024-07-01T10:15:30.123456Z");

  @ParameterizedTest
  @ValueSource(strings = {
      "{\"orderId\":42,\"total\":\"10.00\"}",
      "[1,\"two\",{\"three\":3},[],null]",
      "\"just a string\"",
      "42",
      "-0.5e-300",
      "true",
      "false",
      "null",
      "123456789012345678901234567890123456789012345678901234567890",
      "{\"big\":-98765432109876543210987654321,\"precise\":1.00000000000000000000000000001}",
      "{\"a\":{\"b\":null,\"c\":[null,{\"d\":null}]},\"e\":null}",
      "{\"text\":\"Grüße, 東京, emoji \uD83D\uDE00, escaped \\u00e9 \\\" \\\\ \\n\"}",
      "{ \"spaced\" :  [ 1 ,\n 2 ]  ,\t\"x\" : { } }",
      "{\"dup\":1,\"dup\":2}",
      "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]",
      "\"\"",
      "{}",
      "[]"
  })
  void payloadComesBackCharacterForCharacter(String payload) {
    WalMessageEnvelope envelope = envelope(payload, Map.of("tenant", "a", "source", "Grüße"));

    String json = envelope.toJson();
    WalMessageEnvelope fromString = WalMessageEnvelope.fromJson(json);

    assertThat(fromString.payload()).isEqualTo(payload);
    assertThat(fromString).isEqualTo(envelope);
    // what the relay publishes: the payload's bytes as they stand in the content
    WalMessageEnvelope.Utf8 utf8 = WalMessageEnvelope.fromUtf8(json.getBytes(StandardCharsets.UTF_8));
    assertThat(utf8.payload()).isEqualTo(payload.getBytes(StandardCharsets.UTF_8));
    assertThat(utf8.headers()).isEqualTo(envelope.headers());
    assertThat(utf8.id()).isEqualTo(ID);
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "2024-07-01T10:15:30Z", "2024-07-01T10:15:30.1Z", "2024-07-01T10:15:30.123456Z",
      "2024-07-01T10:15:30.123456789Z", "2024-02-29T23:59:59.999999999Z", "0000-01-01T00:00:00Z",
      "9999-12-31T23:59:59Z", "1970-01-01T00:00:00.000Z", "2024-07-01t10:15:30z", "2016-12-31T23:59:60Z",
      "2024-07-01T10:15:30+02:00", "+10000-01-01T00:00:00Z", "2024-07-01T10:15:30.Z"
  })
  void createdAtIsReadAsInstantParseReadsIt(String text) {
    String json = "{\"id\":\"" + ID + "\",\"aggregatetype\":\"a\",\"aggregateid\":\"1\",\"type\":\"T\","
        + "\"created_at\":\"" + text + "\"}";

    assertThat(WalMessageEnvelope.fromJson(json).createdAt()).isEqualTo(Instant.parse(text));
  }

  @ParameterizedTest
  @ValueSource(strings = {"2024-02-30T00:00:00Z", "2024-13-01T00:00:00Z",
      "2024-07-01T10:15:30.1234567890Z", "2024-07-01 10:15:30Z", "yesterday"})
  void createdAtThatIsNotAnInstantIsRejected(String text) {
    String json = "{\"id\":\"" + ID + "\",\"aggregatetype\":\"a\",\"aggregateid\":\"1\",\"type\":\"T\","
        + "\"created_at\":\"" + text + "\"}";

    assertThatThrownBy(() -> WalMessageEnvelope.fromJson(json))
        .isInstanceOf(InvalidEventException.class).hasMessageContaining("not an ISO-8601 instant");
    // a relay does not publish created_at: it needs the field, not its value
    assertThat(WalMessageEnvelope.fromUtf8(json.getBytes(StandardCharsets.UTF_8)).id()).isEqualTo(ID);
  }

  @Test
  void payloadIsEmbeddedAsJsonNotAsAnEscapedString() throws Exception {
    JsonNode tree = new ObjectMapper().readTree(envelope("{\"a\":[1,2]}", Map.of()).toJson());

    assertThat(tree.get("payload").isObject()).isTrue();
    assertThat(tree.get("payload").get("a").get(1).asInt()).isEqualTo(2);
  }

  @Test
  void everyFieldOfTheRowIsInTheEnvelope() throws Exception {
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put("b", "2");
    headers.put("a", "1");
    WalMessageEnvelope envelope = new WalMessageEnvelope(ID, "order", "42", "OrderCreated", "{}",
        "traceparent=00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01\n", headers, CREATED);

    JsonNode tree = new ObjectMapper().readTree(envelope.toJson());

    assertThat(tree.get("id").asText()).isEqualTo("0190f5c2-7a3b-7cde-8f01-23456789abcd");
    assertThat(tree.get("aggregatetype").asText()).isEqualTo("order");
    assertThat(tree.get("aggregateid").asText()).isEqualTo("42");
    assertThat(tree.get("type").asText()).isEqualTo("OrderCreated");
    assertThat(tree.get("tracingspancontext").asText()).startsWith("traceparent=00-4bf9");
    assertThat(tree.get("headers").toString()).isEqualTo("{\"b\":\"2\",\"a\":\"1\"}");
    assertThat(tree.get("created_at").asText()).isEqualTo("2024-07-01T10:15:30.123456Z");
    assertThat(WalMessageEnvelope.fromJson(envelope.toJson()).headers())
        .containsExactly(Map.entry("b", "2"), Map.entry("a", "1"));
  }

  @Test
  void noPayloadLeavesTheFieldOutAndNoHeadersAndNoTraceContextAreNull() throws Exception {
    WalMessageEnvelope envelope = new WalMessageEnvelope(ID, "order", "42", "OrderDeleted", null, null, Map.of(),
        CREATED);

    JsonNode tree = new ObjectMapper().readTree(envelope.toJson());
    WalMessageEnvelope decoded = WalMessageEnvelope.fromJson(envelope.toJson());

    assertThat(tree.has("payload")).isFalse();
    assertThat(tree.get("headers").isNull()).isTrue();
    assertThat(tree.get("tracingspancontext").isNull()).isTrue();
    assertThat(decoded.payload()).isNull();
    assertThat(decoded.headers()).isEmpty();
    assertThat(decoded.tracingSpanContext()).isNull();
  }

  @Test
  void unknownFieldsAndAnyFieldOrderAreAccepted() {
    String json = "{\"future\":{\"x\":[1,2]},\"created_at\":\"2024-07-01T10:15:30.123456Z\",\"payload\":[1, 2],"
        + "\"type\":\"T\",\"aggregateid\":\"1\",\"aggregatetype\":\"a\",\"id\":\"" + ID + "\",\"more\":1}";

    WalMessageEnvelope decoded = WalMessageEnvelope.fromJson(json);

    assertThat(decoded.payload()).isEqualTo("[1, 2]");
    assertThat(decoded.eventType()).isEqualTo("T");
    assertThat(decoded.createdAt()).isEqualTo(CREATED);
  }

  @Test
  void contentThatIsNotAnEnvelopeIsRejectedWithTheReason() {
    assertThatThrownBy(() -> WalMessageEnvelope.fromJson("[1]"))
        .isInstanceOf(InvalidEventException.class).hasMessageContaining("not a JSON object");
    assertThatThrownBy(() -> WalMessageEnvelope.fromJson("{\"id\":"))
        .isInstanceOf(InvalidEventException.class).hasMessageContaining("not valid JSON");
    assertThatThrownBy(() -> WalMessageEnvelope.fromJson("{\"id\":\"" + ID + "\"}"))
        .isInstanceOf(InvalidEventException.class).hasMessageContaining("required field is missing");
    assertThatThrownBy(() -> WalMessageEnvelope.fromJson("{\"id\":\"nope\"}"))
        .isInstanceOf(InvalidEventException.class).hasMessageContaining("'id' is not a UUID");
    assertThatThrownBy(() -> WalMessageEnvelope.fromJson("{\"headers\":{\"a\":1}}"))
        .isInstanceOf(InvalidEventException.class).hasMessageContaining("header 'a'");
    String valid = envelope("1", Map.of()).toJson();
    assertThatThrownBy(() -> WalMessageEnvelope.fromJson(valid + "{}"))
        .isInstanceOf(InvalidEventException.class).hasMessageContaining("after the envelope");
    assertThatThrownBy(() -> WalMessageEnvelope.fromUtf8("{\"id\":".getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(InvalidEventException.class).hasMessageContaining("not valid JSON");
    assertThatThrownBy(() -> WalMessageEnvelope.fromUtf8((valid + "{}").getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(InvalidEventException.class).hasMessageContaining("after the envelope");
  }

  private static WalMessageEnvelope envelope(String payload, Map<String, String> headers) {
    return new WalMessageEnvelope(ID, "order", "order-42", "OrderCreated", payload, null, headers, CREATED);
  }
}
