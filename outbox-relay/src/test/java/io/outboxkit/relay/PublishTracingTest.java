package io.outboxkit.relay;

import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.outboxkit.core.OutboxHeaders;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The relay's producer spans, with Kafka's {@link MockProducer} and the SDK's in-memory exporter. */
class PublishTracingTest {

  private static final String TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736";
  private static final String WRITER_SPAN = "00f067aa0ba902b7";

  private final RelaySettings settings = RelaySettings.from(OutboxRelay.builder()
      .database("db.example", 5432, "orders").username("relay").bootstrapServers("k:9092").replicationSlot("s")
      .topicPrefix("outbox.").deadLetterTopic("outbox.dlq"));
  private final InMemorySpanExporter spans = InMemorySpanExporter.create();
  private final OpenTelemetrySdk otel = OpenTelemetrySdk.builder()
      .setTracerProvider(SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(spans)).build())
      .build();
  private final MockProducer<byte[], byte[]> producer =
      new MockProducer<>(true, null, new ByteArraySerializer(), new ByteArraySerializer());
  private final KafkaPublisher publisher = new KafkaPublisher(settings, Metrics.NONE, reason -> { },
      () -> producer, Backoff.PUBLISHING, PublishTracing.create(true, otel));

  @AfterEach
  void close() {
    publisher.close();
    otel.close();
  }

  @Test
  void anEventWithTheWritersContextIsSentInAProducerSpanWhoseContextTheRecordCarries() throws Exception {
    publisher.publish(List.of(event("order", "o-1", "e1", "00-" + TRACE_ID + "-" + WRITER_SPAN + "-01",
        "vendor=x")), List.of());

    SpanData span = single();
    assertThat(span.getName()).isEqualTo("send outbox.order");
    assertThat(span.getKind()).isEqualTo(SpanKind.PRODUCER);
    assertThat(span.getTraceId()).isEqualTo(TRACE_ID);
    assertThat(span.getParentSpanId()).isEqualTo(WRITER_SPAN);
    assertThat(span.getParentSpanContext().isRemote()).isTrue();
    assertThat(span.getStatus().getStatusCode()).isEqualTo(StatusCode.UNSET);
    assertThat(span.getAttributes().get(AttributeKey.stringKey("messaging.system"))).isEqualTo("kafka");
    assertThat(span.getAttributes().get(AttributeKey.stringKey("messaging.operation.type"))).isEqualTo("send");
    assertThat(span.getAttributes().get(AttributeKey.stringKey("messaging.destination.name")))
        .isEqualTo("outbox.order");
    assertThat(span.getAttributes().get(AttributeKey.stringKey("messaging.message.id"))).isEqualTo("e1");
    assertThat(span.getAttributes().get(AttributeKey.stringKey("messaging.kafka.message.key"))).isEqualTo("o-1");
    assertThat(span.getAttributes().get(AttributeKey.stringKey("outboxkit.event.type"))).isEqualTo("Happened");
    assertThat(span.getAttributes().get(AttributeKey.stringKey("messaging.destination.partition.id")))
        .isEqualTo("0");

    ProducerRecord<byte[], byte[]> sent = producer.history().get(0);
    assertThat(headers(sent, OutboxHeaders.TRACEPARENT)).as("the relay's span replaces the writer's context")
        .containsExactly("00-" + TRACE_ID + "-" + span.getSpanId() + "-01");
    assertThat(headers(sent, OutboxHeaders.TRACESTATE)).containsExactly("vendor=x");
  }

  @Test
  void anEventWithoutContextGetsNoSpanAndNoTraceHeaders() throws Exception {
    publisher.publish(List.of(event("order", "o-1", "e1", null, null)), List.of());

    assertThat(spans.getFinishedSpanItems()).isEmpty();
    assertThat(headers(producer.history().get(0), OutboxHeaders.TRACEPARENT)).isEmpty();
  }

  @Test
  void anEventThatGoesToTheDeadLetterTopicEndsItsSpanAsAnError() throws Exception {
    publisher.publish(List.of(event("dlq", "d-1", "e1", "00-" + TRACE_ID + "-" + WRITER_SPAN + "-01", null)),
        List.of());

    SpanData span = single();
    assertThat(span.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
    assertThat(span.getAttributes().get(AttributeKey.booleanKey("outboxkit.relay.dead_letter"))).isTrue();
    assertThat(span.getEvents()).anySatisfy(event -> assertThat(event.getName()).isEqualTo("exception"));
  }

  @Test
  void noTracingWhenTurnedOffOrWhenTheTracerProviderIsTheNoOpOne() {
    assertThat(PublishTracing.create(false, otel)).isSameAs(PublishTracing.NONE);
    assertThat(PublishTracing.create(true, OpenTelemetry.noop())).isSameAs(PublishTracing.NONE);
    assertThat(PublishTracing.create(true, otel)).isNotSameAs(PublishTracing.NONE);
  }

  private SpanData single() {
    List<SpanData> finished = spans.getFinishedSpanItems();
    assertThat(finished).hasSize(1);
    return finished.get(0);
  }

  private RecordMapper.Event event(String aggregateType, String key, String id, String traceparent,
      String tracestate) {
    RecordHeaders headers = new RecordHeaders();
    headers.add(OutboxHeaders.ID, utf8(id));
    headers.add(OutboxHeaders.EVENT_TYPE, utf8("Happened"));
    if (traceparent != null) {
      headers.add(OutboxHeaders.TRACEPARENT, utf8(traceparent));
    }
    if (tracestate != null) {
      headers.add(OutboxHeaders.TRACESTATE, utf8(tracestate));
    }
    return new RecordMapper.Event(new ProducerRecord<>(settings.topicPrefix() + aggregateType, null, utf8(key),
        utf8("{}"), headers), id, 0);
  }

  private static List<String> headers(ProducerRecord<byte[], byte[]> record, String name) {
    List<String> values = new java.util.ArrayList<>();
    for (Header header : record.headers().headers(name)) {
      values.add(new String(header.value(), StandardCharsets.UTF_8));
    }
    return values;
  }

  private static byte[] utf8(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }
}
