package io.outboxkit.core.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.outboxkit.core.DeadLetterHeaders;
import org.junit.jupiter.api.Test;

class DeadLetterHeaderValuesTest {

  @Test
  void aConsumedRecordGetsTheDocumentedHeadersInOrder() {
    var values = new DeadLetterHeaderValues(DeadLetterHeaders.REASON_RETRIES_EXHAUSTED,
        new IllegalStateException("no stock"))
        .consumedRecord("orders", 3, 42, 1_700_000_000_000L)
        .eventId("0190f5a8-0000-7000-8000-000000000001")
        .consumer("billing")
        .attempts(5)
        .messageId("OrderPlaced|o-1")
        .values();
    assertThat(values).containsExactly(
        entry(DeadLetterHeaders.REASON, "retries-exhausted"),
        entry(DeadLetterHeaders.ERROR_CLASS, "java.lang.IllegalStateException"),
        entry(DeadLetterHeaders.ERROR_MESSAGE, "no stock"),
        entry(DeadLetterHeaders.ORIGINAL_TOPIC, "orders"),
        entry(DeadLetterHeaders.ORIGINAL_PARTITION, "3"),
        entry(DeadLetterHeaders.ORIGINAL_OFFSET, "42"),
        entry(DeadLetterHeaders.ORIGINAL_TIMESTAMP, "1700000000000"),
        entry(DeadLetterHeaders.EVENT_ID, "0190f5a8-0000-7000-8000-000000000001"),
        entry(DeadLetterHeaders.CONSUMER, "billing"),
        entry(DeadLetterHeaders.ATTEMPTS, "5"),
        entry(DeadLetterHeaders.MESSAGE_ID, "OrderPlaced|o-1"));
  }

  @Test
  void anEventTheRelayCannotPublishGetsItsTopicIdAndValueSize() {
    var values = new DeadLetterHeaderValues(DeadLetterHeaders.REASON_UNPUBLISHABLE,
        new RuntimeException("The message is 2097162 bytes when serialized"))
        .originalTopic("outbox.event.order").eventId("e-1").valueSize(2_097_162).values();
    assertThat(values).containsEntry(DeadLetterHeaders.ORIGINAL_TOPIC, "outbox.event.order")
        .containsEntry(DeadLetterHeaders.EVENT_ID, "e-1").containsEntry(DeadLetterHeaders.VALUE_SIZE, "2097162")
        .doesNotContainKeys(DeadLetterHeaders.ORIGINAL_PARTITION, DeadLetterHeaders.ATTEMPTS);
  }

  @Test
  void longMessagesAreCutAndMissingOrEmptyValuesLeftOut() {
    var longMessage = new DeadLetterHeaderValues(DeadLetterHeaders.REASON_RETRIES_EXHAUSTED,
        new RuntimeException("x".repeat(5000))).values();
    assertThat(longMessage.get(DeadLetterHeaders.ERROR_MESSAGE))
        .hasSize(DeadLetterHeaders.MAX_ERROR_MESSAGE_LENGTH);
    var none = new DeadLetterHeaderValues(DeadLetterHeaders.REASON_INVALID_MESSAGE, new NullPointerException())
        .eventId(null).eventId("").consumer(null).messageId("").values();
    assertThat(none).containsOnlyKeys(DeadLetterHeaders.REASON, DeadLetterHeaders.ERROR_CLASS);
  }

  @Test
  void everyDeadLetterHeaderSharesThePrefix() {
    assertThat(DeadLetterHeaderValues.isDeadLetterHeader(DeadLetterHeaders.ATTEMPTS)).isTrue();
    assertThat(DeadLetterHeaderValues.isDeadLetterHeader("outboxkit.dlq.something.new")).isTrue();
    assertThat(DeadLetterHeaderValues.isDeadLetterHeader("id")).isFalse();
    assertThat(DeadLetterHeaderValues.isDeadLetterHeader("kafka_dlt-original-topic")).isFalse();
  }

  private static java.util.Map.Entry<String, String> entry(String key, String value) {
    return java.util.Map.entry(key, value);
  }
}
