package io.outboxkit.inbox.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.outboxkit.core.OutboxConfigurationException;
import io.outboxkit.inbox.InvalidMessageException;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.Test;

class MessageIdExtractorTest {

  @Test
  void defaultKeyIsTheIdHeader() {
    ConsumerRecord<byte[], byte[]> record = record("{}", "id", "0190a1b2-0000-7000-8000-000000000001",
        "eventType", "OrderPlaced");
    assertThat(MessageIdExtractor.idHeader().extract(record)).isEqualTo("0190a1b2-0000-7000-8000-000000000001");
  }

  @Test
  void missingHeaderGivesNoKey() {
    assertThat(MessageIdExtractor.idHeader().extract(record("{}"))).isNull();
    assertThat(MessageIdExtractor.header("orderId").extract(record("{}", "id", "x"))).isNull();
  }

  @Test
  void lastOccurrenceOfAHeaderWins() {
    ConsumerRecord<byte[], byte[]> record = record("{}", "id", "first", "id", "second");
    assertThat(MessageIdExtractor.idHeader().extract(record)).isEqualTo("second");
  }

  @Test
  void severalHeadersAreJoinedAndEscaped() {
    ConsumerRecord<byte[], byte[]> record = record("{}", "eventType", "Order|Placed", "orderId", "a\\b");
    assertThat(MessageIdExtractor.headers("eventType", "orderId").extract(record)).isEqualTo("Order\\|Placed|a\\\\b");
    assertThat(MessageIdExtractor.headers("eventType", "missing").extract(record)).isNull();
  }

  @Test
  void escapingKeepsDifferentPartsApart() {
    String one = MessageIdExtractor.headers("a", "b").extract(record("{}", "a", "x|y", "b", "z"));
    String two = MessageIdExtractor.headers("a", "b").extract(record("{}", "a", "x", "b", "y|z"));
    assertThat(one).isNotEqualTo(two);
  }

  @Test
  void jsonPointerTakesValuesFromThePayload() {
    ConsumerRecord<byte[], byte[]> record =
        record("{\"order\":{\"id\":\"o-42\"},\"line\":3,\"price\":1.10,\"big\":123456789012345678901234567890}");
    assertThat(MessageIdExtractor.jsonPointers("/order/id").extract(record)).isEqualTo("o-42");
    assertThat(MessageIdExtractor.jsonPointers("/order/id", "/line").extract(record)).isEqualTo("o-42|3");
    assertThat(MessageIdExtractor.jsonPointers("/price").extract(record)).isEqualTo("1.10");
    assertThat(MessageIdExtractor.jsonPointers("/big").extract(record)).isEqualTo("123456789012345678901234567890");
  }

  @Test
  void eventTypeComesFirst() {
    ConsumerRecord<byte[], byte[]> record = record("{\"orderId\":42}", "eventType", "OrderPlaced");
    assertThat(MessageIdExtractor.eventTypeAndJsonPointers("/orderId").extract(record)).isEqualTo("OrderPlaced|42");
  }

  @Test
  void eventTypeIsRequiredWhenPartOfTheKey() {
    assertThatThrownBy(() -> MessageIdExtractor.eventTypeAndJsonPointers("/orderId").extract(record("{\"orderId\":1}")))
        .isInstanceOf(InvalidMessageException.class)
        .hasMessageContaining("eventType")
        .hasMessageContaining("orders-0@7");
  }

  @Test
  void unparseableBodyIsAnInvalidMessage() {
    assertThatThrownBy(() -> MessageIdExtractor.jsonPointers("/orderId").extract(record("{not json")))
        .isInstanceOf(InvalidMessageException.class)
        .hasMessageContaining("not JSON")
        .hasMessageContaining("orders-0@7");
    assertThatThrownBy(() -> MessageIdExtractor.jsonPointers("/orderId").extract(record("{\"orderId\":1} trailing")))
        .isInstanceOf(InvalidMessageException.class);
  }

  @Test
  void missingNullOrStructuredValuesAreInvalid() {
    MessageIdExtractor extractor = MessageIdExtractor.jsonPointers("/orderId");
    assertThatThrownBy(() -> extractor.extract(record("{\"other\":1}")))
        .isInstanceOf(InvalidMessageException.class).hasMessageContaining("no value at /orderId");
    assertThatThrownBy(() -> extractor.extract(record("{\"orderId\":null}")))
        .isInstanceOf(InvalidMessageException.class).hasMessageContaining("no value at /orderId");
    assertThatThrownBy(() -> extractor.extract(record("{\"orderId\":{\"a\":1}}")))
        .isInstanceOf(InvalidMessageException.class).hasMessageContaining("object or array");
    assertThatThrownBy(() -> extractor.extract(record(null)))
        .isInstanceOf(InvalidMessageException.class).hasMessageContaining("no value");
  }

  @Test
  void invalidPointersAreRejectedWhenConfigured() {
    assertThatThrownBy(() -> MessageIdExtractor.jsonPointers("orderId"))
        .isInstanceOf(OutboxConfigurationException.class).hasMessageContaining("'orderId'");
    assertThatThrownBy(() -> MessageIdExtractor.jsonPointers())
        .isInstanceOf(OutboxConfigurationException.class);
    assertThatThrownBy(() -> MessageIdExtractor.header(""))
        .isInstanceOf(OutboxConfigurationException.class);
  }

  @Test
  void aFunctionCanBeTheExtractor() {
    MessageIdExtractor byKey = record -> new String(record.key(), StandardCharsets.UTF_8);
    assertThat(byKey.extract(record("{}"))).isEqualTo("aggregate-1");
  }

  static ConsumerRecord<byte[], byte[]> record(String value, String... headers) {
    RecordHeaders recordHeaders = new RecordHeaders();
    for (int i = 0; i < headers.length; i += 2) {
      recordHeaders.add(headers[i], headers[i + 1].getBytes(StandardCharsets.UTF_8));
    }
    return new ConsumerRecord<>("orders", 0, 7, 1_700_000_000_000L, TimestampType.CREATE_TIME, 11,
        value == null ? 0 : value.length(), "aggregate-1".getBytes(StandardCharsets.UTF_8),
        value == null ? null : value.getBytes(StandardCharsets.UTF_8), recordHeaders, Optional.empty());
  }
}
