package io.outboxkit.spring.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.outboxkit.core.DeadLetterHeaders;
import io.outboxkit.core.internal.InboxMeters;
import io.outboxkit.inbox.InboxEffectException;
import io.outboxkit.inbox.InvalidMessageException;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.Test;
import org.mockito.ArgumentCaptor;
import org.springframework.kafka.KafkaException;
import org.springframework.kafka.core.KafkaOperations;
import org.springframework.kafka.listener.BatchListenerFailedException;
import org.springframework.kafka.listener.ListenerExecutionFailedException;
import org.springframework.kafka.support.KafkaUtils;
import org.springframework.kafka.support.SendResult;

class ListenerDeadLetterRecovererTest {

  @Test
  void theListenersErrorIsReportedWithoutSpringsOrTheInboxsWrappers() {
    SQLException sql = new SQLException("duplicate key value", "23505");
    Exception wrapped = new ListenerExecutionFailedException("Listener failed",
        new BatchListenerFailedException("x", new InboxEffectException("the effect failed", sql), 0));
    assertThat(ListenerDeadLetterRecoverer.listenerError(wrapped)).isSameAs(sql);
    IllegalStateException own = new IllegalStateException("no stock");
    assertThat(ListenerDeadLetterRecoverer.listenerError(own)).isSameAs(own);
  }

  @Test
  void theHeadersAreTheDocumentedOnes() {
    Headers headers = ListenerDeadLetterRecoverer.deadLetterHeaders(record("id", "e-1"),
        new ListenerExecutionFailedException("Listener failed", new IllegalStateException("no stock")));
    assertThat(value(headers, DeadLetterHeaders.REASON)).isEqualTo(DeadLetterHeaders.REASON_RETRIES_EXHAUSTED);
    assertThat(value(headers, DeadLetterHeaders.ERROR_CLASS)).isEqualTo("java.lang.IllegalStateException");
    assertThat(value(headers, DeadLetterHeaders.ERROR_MESSAGE)).isEqualTo("no stock");
    assertThat(value(headers, DeadLetterHeaders.ORIGINAL_TOPIC)).isEqualTo("orders");
    assertThat(value(headers, DeadLetterHeaders.ORIGINAL_PARTITION)).isEqualTo("2");
    assertThat(value(headers, DeadLetterHeaders.ORIGINAL_OFFSET)).isEqualTo("7");
    assertThat(value(headers, DeadLetterHeaders.ORIGINAL_TIMESTAMP)).isEqualTo("1700000000000");
    assertThat(value(headers, DeadLetterHeaders.EVENT_ID)).isEqualTo("e-1");

    Headers invalid = ListenerDeadLetterRecoverer.deadLetterHeaders(record(),
        new ListenerExecutionFailedException("Listener failed", new InvalidMessageException("no message id")));
    assertThat(value(invalid, DeadLetterHeaders.REASON)).isEqualTo(DeadLetterHeaders.REASON_INVALID_MESSAGE);
    assertThat(invalid.lastHeader(DeadLetterHeaders.EVENT_ID)).isNull();
  }

  @Test
  @SuppressWarnings("unchecked")
  void aReplayedDeadLetterGetsNewHeadersInsteadOfASecondSet() {
    KafkaOperations<Object, Object> kafka = mock(KafkaOperations.class);
    when(kafka.send(any(ProducerRecord.class)))
        .thenReturn(CompletableFuture.completedFuture(mock(SendResult.class)));
    new ListenerDeadLetterRecoverer(kafka, ".dlq", ListenerMeters.NONE).accept(
        record("id", "e-1", DeadLetterHeaders.REASON, "stale", DeadLetterHeaders.ATTEMPTS, "5"), null,
        new ListenerExecutionFailedException("Listener failed", new IllegalStateException("no stock")));

    ArgumentCaptor<ProducerRecord<Object, Object>> sent = ArgumentCaptor.forClass(ProducerRecord.class);
    verify(kafka).send(sent.capture());
    assertThat(sent.getValue().topic()).isEqualTo("orders.dlq");
    assertThat(sent.getValue().partition()).isNull(); // left to the partitioner: any number of partitions
    List<String> values = new ArrayList<>();
    sent.getValue().headers().headers(DeadLetterHeaders.REASON)
        .forEach(h -> values.add(new String(h.value(), StandardCharsets.UTF_8)));
    assertThat(values).containsExactly(DeadLetterHeaders.REASON_RETRIES_EXHAUSTED);
    assertThat(sent.getValue().headers().lastHeader(DeadLetterHeaders.ATTEMPTS)).isNull();
    assertThat(value(sent.getValue().headers(), "id")).isEqualTo("e-1");
    assertThat(value(sent.getValue().headers(), "kafka_dlt-original-topic")).isEqualTo("orders");
  }

  @Test
  @SuppressWarnings("unchecked")
  void aDeadLetterIsCountedForTheGroupOnceTheBrokerTookIt() {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    ListenerMeters meters = new ListenerMeters(InboxMeters.create(registry));
    KafkaOperations<Object, Object> kafka = mock(KafkaOperations.class);
    when(kafka.send(any(ProducerRecord.class)))
        .thenReturn(CompletableFuture.completedFuture(mock(SendResult.class)))
        .thenReturn(CompletableFuture.failedFuture(new TimeoutException("broker gone")));
    ListenerDeadLetterRecoverer recoverer = new ListenerDeadLetterRecoverer(kafka, ".dlq", meters);
    KafkaUtils.setConsumerGroupId("billing");
    try {
      recoverer.accept(record("id", "e-1"), null, new IllegalStateException("no stock"));
      assertThat(registry.get("outboxkit.inbox.dead.letters").tag("consumer", "billing").counter().count())
          .isEqualTo(1);

      assertThatThrownBy(() -> recoverer.accept(record("id", "e-2"), null, new IllegalStateException("no stock")))
          .isInstanceOf(KafkaException.class).hasMessageContaining("Dead-letter publication");
      assertThat(registry.get("outboxkit.inbox.dead.letters").tag("consumer", "billing").counter().count())
          .as("not published, not counted").isEqualTo(1);
    } finally {
      KafkaUtils.clearConsumerGroupId();
    }
  }

  private static ConsumerRecord<byte[], byte[]> record(String... headers) {
    RecordHeaders recordHeaders = new RecordHeaders();
    for (int i = 0; i < headers.length; i += 2) {
      recordHeaders.add(headers[i], headers[i + 1].getBytes(StandardCharsets.UTF_8));
    }
    return new ConsumerRecord<>("orders", 2, 7, 1_700_000_000_000L, TimestampType.CREATE_TIME, 3, 2,
        "o-1".getBytes(StandardCharsets.UTF_8), "{}".getBytes(StandardCharsets.UTF_8), recordHeaders,
        Optional.empty());
  }

  private static String value(Headers headers, String key) {
    Header header = headers.lastHeader(key);
    return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
  }
}
