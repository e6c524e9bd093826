package io.outboxkit.inbox.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import io.outboxkit.core.DeadLetterHeaders;
import io.outboxkit.inbox.InboxEffectException;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.junit.jupiter.api.Test;

class DeadLetterPublisherTest {

  @Test
  void describeTheFailureAndKeepTheOriginalHeaders() {
    ConsumerRecord<byte[], byte[]> record = MessageIdExtractorTest.record("{}", "id", "e-1", "eventType",
        "OrderPlaced", DeadLetterHeaders.ATTEMPTS, "99");
    Headers headers = DeadLetterPublisher.headers(record, new IllegalStateException("no stock"), 5,
        DeadLetterHeaders.REASON_RETRIES_EXHAUSTED, "billing", "e-1");

    assertThat(value(headers, "id")).isEqualTo("e-1");
    assertThat(value(headers, "eventType")).isEqualTo("OrderPlaced");
    assertThat(value(headers, DeadLetterHeaders.REASON)).isEqualTo("retries-exhausted");
    assertThat(value(headers, DeadLetterHeaders.ERROR_CLASS)).isEqualTo("java.lang.IllegalStateException");
    assertThat(value(headers, DeadLetterHeaders.ERROR_MESSAGE)).isEqualTo("no stock");
    assertThat(value(headers, DeadLetterHeaders.ORIGINAL_TOPIC)).isEqualTo("orders");
    assertThat(value(headers, DeadLetterHeaders.ORIGINAL_PARTITION)).isEqualTo("0");
    assertThat(value(headers, DeadLetterHeaders.ORIGINAL_OFFSET)).isEqualTo("7");
    assertThat(value(headers, DeadLetterHeaders.ORIGINAL_TIMESTAMP)).isEqualTo("1700000000000");
    assertThat(value(headers, DeadLetterHeaders.CONSUMER)).isEqualTo("billing");
    assertThat(value(headers, DeadLetterHeaders.MESSAGE_ID)).isEqualTo("e-1");
    assertThat(value(headers, DeadLetterHeaders.EVENT_ID)).isEqualTo("e-1");
    // an earlier dead letter's header is replaced, not repeated
    assertThat(all(headers, DeadLetterHeaders.ATTEMPTS)).containsExactly("5");
  }

  @Test
  void reportTheEffectsSqlExceptionNotTheWrapper() {
    SQLException cause = new SQLException("duplicate key value violates unique constraint", "23505");
    Headers headers = DeadLetterPublisher.headers(MessageIdExtractorTest.record("{}"),
        new InboxEffectException("the effect failed", cause), 3, DeadLetterHeaders.REASON_RETRIES_EXHAUSTED,
        "billing", null);
    assertThat(value(headers, DeadLetterHeaders.ERROR_CLASS)).isEqualTo("java.sql.SQLException");
    assertThat(value(headers, DeadLetterHeaders.ERROR_MESSAGE)).startsWith("duplicate key");
    assertThat(headers.lastHeader(DeadLetterHeaders.MESSAGE_ID)).isNull();
    assertThat(headers.lastHeader(DeadLetterHeaders.EVENT_ID)).isNull(); // the record has no id header
  }

  @Test
  void longMessagesAreCutAndMissingOnesLeftOut() {
    Headers longOne = DeadLetterPublisher.headers(MessageIdExtractorTest.record("{}"),
        new RuntimeException("x".repeat(5000)), 1, DeadLetterHeaders.REASON_RETRIES_EXHAUSTED, "c", null);
    assertThat(value(longOne, DeadLetterHeaders.ERROR_MESSAGE)).hasSize(DeadLetterHeaders.MAX_ERROR_MESSAGE_LENGTH);
    Headers none = DeadLetterPublisher.headers(MessageIdExtractorTest.record("{}"), new NullPointerException(), 1,
        DeadLetterHeaders.REASON_RETRIES_EXHAUSTED, "c", null);
    assertThat(none.lastHeader(DeadLetterHeaders.ERROR_MESSAGE)).isNull();
  }

  private static String value(Headers headers, String key) {
    Header header = headers.lastHeader(key);
    return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
  }

  private static List<String> all(Headers headers, String key) {
    List<String> values = new ArrayList<>();
    headers.headers(key).forEach(h -> values.add(new String(h.value(), StandardCharsets.UTF_8)));
    return values;
  }
}
