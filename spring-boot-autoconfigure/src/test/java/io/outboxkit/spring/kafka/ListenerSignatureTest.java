package io.outboxkit.spring.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.outboxkit.core.OutboxConfigurationException;
import io.outboxkit.inbox.InvalidMessageException;
import io.outboxkit.inbox.kafka.MessageIdExtractor;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.springframework.kafka.support.Acknowledgment;
import org.springframework.util.StringValueResolver;

class ListenerSignatureTest {

  /** Resolves {@code ${app.name}} as a Spring environment would, and nothing else. */
  private static final StringValueResolver PLACEHOLDERS = value -> value.replace("${app.name}", "inventory")
      .replace("${blank}", " ");

  @Test
  void aRecordListenerTakesItsRecordWhereverItStands() {
    ListenerSignature signature = parse("recordAfterAnother");
    assertThat(signature.recordIndex()).isEqualTo(1);
    assertThat(signature.batch()).isFalse();
    assertThat(signature.description()).isEqualTo(Listeners.class.getName() + ".recordAfterAnother");
    assertThat(signature.consumer()).isNull();
    assertThat(signature.extractor()).isNull();
  }

  @Test
  void aBatchListenerTakesAListOfRecords() {
    ListenerSignature signature = parse("batch");
    assertThat(signature.recordIndex()).isZero();
    assertThat(signature.batch()).isTrue();
    assertThat(parse("batchOfSubtype").batch()).isTrue();
  }

  @Test
  void theConsumerNameHasItsPlaceholdersResolved() {
    assertThat(parse("namedConsumer").consumer()).isEqualTo("inventory-stock");
    assertThatThrownBy(() -> parse("blankConsumer"))
        .isInstanceOf(OutboxConfigurationException.class)
        .hasMessageContaining(".blankConsumer cannot be used")
        .hasMessageContaining("resolves to an empty name");
  }

  @Test
  void signaturesTheInboxCannotServeAreRejectedWithWhatToChange() {
    assertThatThrownBy(() -> parse("noRecord")).isInstanceOf(OutboxConfigurationException.class)
        .hasMessageContaining("@IdempotentListener on " + Listeners.class.getName() + ".noRecord cannot be used")
        .hasMessageContaining("add a ConsumerRecord<K, V> parameter");
    assertThatThrownBy(() -> parse("listOfValues")).isInstanceOf(OutboxConfigurationException.class)
        .hasMessageContaining("List<ConsumerRecord<K, V>> for a batch listener");
    assertThatThrownBy(() -> parse("rawList")).isInstanceOf(OutboxConfigurationException.class)
        .hasMessageContaining("does not take the record");
    assertThatThrownBy(() -> parse("twoRecords")).isInstanceOf(OutboxConfigurationException.class)
        .hasMessageContaining("more than one ConsumerRecord or List<ConsumerRecord> parameter");
    assertThatThrownBy(() -> parse("primitiveResult")).isInstanceOf(OutboxConfigurationException.class)
        .hasMessageContaining("returns int");
    assertThat(parse("objectResult").recordIndex()).isZero();
  }

  @Test
  void theAnnotationChoosesTheMessageId() {
    ConsumerRecord<String, String> record = record("{\"orderId\":42}", "id", "e-1", "eventType", "OrderPlaced",
        "tenant", "t-7");
    assertThat(parse("byHeaders").messageId(record, MessageIdExtractor::idHeader)).isEqualTo("t-7|e-1");
    assertThat(parse("byPointer").messageId(record, MessageIdExtractor::idHeader)).isEqualTo("42");
    assertThat(parse("byPointerAndType").messageId(record, MessageIdExtractor::idHeader))
        .isEqualTo("OrderPlaced|42");
    assertThat(parse("recordAfterAnother").messageId(record, () -> MessageIdExtractor.header("tenant")))
        .isEqualTo("t-7");
  }

  @Test
  void contradictoryMessageIdSettingsAreRejected() {
    assertThatThrownBy(() -> parse("headersAndPointers")).isInstanceOf(OutboxConfigurationException.class)
        .hasMessageContaining("sets both messageIdHeaders and messageIdJsonPointers");
    assertThatThrownBy(() -> parse("typeWithoutPointers")).isInstanceOf(OutboxConfigurationException.class)
        .hasMessageContaining("messageIdWithEventType needs messageIdJsonPointers");
    assertThatThrownBy(() -> parse("badPointer")).isInstanceOf(OutboxConfigurationException.class)
        .hasMessageContaining(".badPointer cannot be used");
  }

  @Test
  void aRecordWithoutMessageIdIsInvalid() {
    assertThatThrownBy(() -> parse("batch").messageId(record("{}"), MessageIdExtractor::idHeader))
        .isInstanceOf(InvalidMessageException.class)
        .hasMessageContaining("orders-3@17").hasMessageContaining("no message id");
    ListenerSignature byPointer = parse("byPointer");
    assertThatThrownBy(() -> byPointer.messageId(record("{\"other\":1}"), MessageIdExtractor::idHeader))
        .isInstanceOf(InvalidMessageException.class).hasMessageContaining("/orderId");
    MessageIdExtractor broken = record -> {
      throw new IllegalStateException("cannot read");
    };
    assertThatThrownBy(() -> parse("batch").messageId(record("{}"), () -> broken))
        .isInstanceOf(InvalidMessageException.class)
        .hasMessageContaining("orders-3@17 has no usable message id").hasMessageContaining("cannot read");
  }

  private static ListenerSignature parse(String name) {
    Method method = Arrays.stream(Listeners.class.getDeclaredMethods())
        .filter(m -> m.getName().equals(name)).findFirst().orElseThrow();
    return ListenerSignature.parse(method, method.getAnnotation(IdempotentListener.class), PLACEHOLDERS);
  }

  private static ConsumerRecord<String, String> record(String value, String... headers) {
    ConsumerRecord<String, String> record = new ConsumerRecord<>("orders", 3, 17, "42", value);
    for (int i = 0; i < headers.length; i += 2) {
      record.headers().add(headers[i], headers[i + 1].getBytes(StandardCharsets.UTF_8));
    }
    return record;
  }

  /** Annotated methods; only their signatures matter. */
  @SuppressWarnings("unused")
  abstract static class Listeners {

    @IdempotentListener
    abstract void recordAfterAnother(String key, ConsumerRecord<String, String> record, Acknowledgment ack);

    @IdempotentListener
    abstract void batch(List<ConsumerRecord<String, String>> records);

    @IdempotentListener
    abstract void batchOfSubtype(List<SpecialRecord> records);

    @IdempotentListener(consumer = "${app.name}-stock")
    abstract void namedConsumer(ConsumerRecord<String, String> record);

    @IdempotentListener(consumer = "${blank}")
    abstract void blankConsumer(ConsumerRecord<String, String> record);

    @IdempotentListener
    abstract void noRecord(String payload);

    @IdempotentListener
    abstract void listOfValues(List<String> payloads);

    @SuppressWarnings("rawtypes")
    @IdempotentListener
    abstract void rawList(List records);

    @IdempotentListener
    abstract void twoRecords(ConsumerRecord<String, String> record, List<ConsumerRecord<String, String>> records);

    @IdempotentListener
    abstract int primitiveResult(ConsumerRecord<String, String> record);

    @IdempotentListener
    abstract Integer objectResult(ConsumerRecord<String, String> record);

    @IdempotentListener(messageIdHeaders = {"tenant", "id"})
    abstract void byHeaders(ConsumerRecord<String, String> record);

    @IdempotentListener(messageIdJsonPointers = "/orderId")
    abstract void byPointer(ConsumerRecord<String, String> record);

    @IdempotentListener(messageIdJsonPointers = "/orderId", messageIdWithEventType = true)
    abstract void byPointerAndType(ConsumerRecord<String, String> record);

    @IdempotentListener(messageIdHeaders = "id", messageIdJsonPointers = "/orderId")
    abstract void headersAndPointers(ConsumerRecord<String, String> record);

    @IdempotentListener(messageIdWithEventType = true)
    abstract void typeWithoutPointers(ConsumerRecord<String, String> record);

    @IdempotentListener(messageIdJsonPointers = "orderId")
    abstract void badPointer(ConsumerRecord<String, String> record);
  }

  /** A ConsumerRecord subtype, as a batch's element type. */
  static final class SpecialRecord extends ConsumerRecord<String, String> {
    SpecialRecord() {
      super("orders", 0, 0, "k", "v");
    }
  }
}
