package io.outboxkit.relay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.context.Scope;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.outboxkit.core.OutboxEvent;
import io.outboxkit.core.WriteMode;
import io.outboxkit.inbox.Inbox;
import io.outboxkit.inbox.InboxSchema;
import io.outboxkit.inbox.kafka.InboxKafkaRunner;
import io.outboxkit.test.OutboxIntegrationTest;
import io.outboxkit.test.TestDatabase;
import io.outboxkit.test.TestKafka;
import io.outboxkit.writer.OutboxWriter;
import java.sql.Connection;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * One trace through the whole pipeline, over real PostgreSQL and Kafka: a request span writes an event with
 * the writer, the relay publishes it, an inbox runner consumes it and its handler writes a second event, which
 * the relay publishes and a second runner consumes. The trace context crosses only through the outbox (row or
 * WAL message) and the Kafka headers. A redelivered record is a consumer span marked as an absorbed
 * duplicate, with no second effect.
 */
@OutboxIntegrationTest
class TracePipelineIT {

  private static final AttributeKey<String> OUTCOME = AttributeKey.stringKey("outboxkit.inbox.outcome");
  private static final AttributeKey<String> MESSAGE_ID = AttributeKey.stringKey("messaging.message.id");

  @ParameterizedTest(name = "{0}")
  @EnumSource(value = WriteMode.class, names = {"TABLE", "TABLE_DELETE_AFTER_INSERT", "WAL_MESSAGE"})
  void oneTraceFromTheRequestToTheLastConsumer(WriteMode mode, TestDatabase db, TestKafka kafka) throws Exception {
    RelayFixture.installSchema(db);
    InboxSchema.builder().build().install(db.dataSource());
    String prefix = kafka.newTopic("trace-" + mode.name().toLowerCase().replace('_', '-')) + ".";
    String orders = prefix + "order";
    String payments = prefix + "payment";
    kafka.createTopic(orders, 1);
    kafka.createTopic(payments, 1);

    InMemorySpanExporter exporter = InMemorySpanExporter.create();
    List<String> shipped = new CopyOnWriteArrayList<>();
    try (OpenTelemetrySdk otel = OpenTelemetrySdk.builder()
        .setTracerProvider(SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(exporter)).build())
        .build();
        OutboxRelay relay = RelayFixture.relay(db, kafka, prefix).mode(mode).openTelemetry(otel).build()) {
      relay.start();
      RelayFixture.awaitActive(relay);
      OutboxWriter writer = OutboxWriter.builder(db.dataSource()).mode(mode).build();
      Inbox inbox = Inbox.builder(db.dataSource()).build();

      InboxKafkaRunner billing = InboxKafkaRunner.builder(inbox)
          .consumerProperties(kafka.consumerProperties(kafka.newGroupId()))
          .topics(orders).consumerName("billing").openTelemetry(otel)
          .handler((message, connection) -> writer.publish(connection,
              OutboxEvent.of("payment", message.key(), "PaymentRequested", "{\"order\": \"" + message.key() + "\"}")))
          .build();
      InboxKafkaRunner shipping = InboxKafkaRunner.builder(inbox)
          .consumerProperties(kafka.consumerProperties(kafka.newGroupId()))
          .topics(payments).consumerName("shipping").openTelemetry(otel)
          .handler((message, connection) -> shipped.add(message.key()))
          .build();
      try (billing; shipping) {
        billing.start();
        shipping.start();

        Span request = otel.getTracer("test").spanBuilder("POST /orders").setSpanKind(SpanKind.SERVER).startSpan();
        try (Scope ignored = request.makeCurrent(); Connection connection = db.openConnection()) {
          connection.setAutoCommit(false);
          writer.publish(connection, OutboxEvent.of("order", "o-1", "OrderPlaced", "{\"total\": 10}"));
          connection.commit();
        } finally {
          request.end();
        }

        await("the second hop consumed").atMost(RelayFixture.TIMEOUT).until(() -> shipped.size() == 1);
        await("five spans ended").atMost(RelayFixture.TIMEOUT)
            .until(() -> exporter.getFinishedSpanItems().size() >= 5);

        // a redelivery: the relayed record again, exactly as the relay published it
        ConsumerRecord<byte[], byte[]> relayed = kafka.readRecords(orders, 1, RelayFixture.TIMEOUT).get(0);
        redeliver(kafka, relayed);
        await("the duplicate absorbed").atMost(RelayFixture.TIMEOUT)
            .until(() -> billing.stats().duplicates() == 1);
        await("its span ended").atMost(RelayFixture.TIMEOUT)
            .until(() -> exporter.getFinishedSpanItems().size() >= 6);
        assertThat(kafka.readRecords(payments, 1, Duration.ofSeconds(5))).as("no second effect").hasSize(1);
        assertThat(shipped).containsExactly("o-1");
      }

      List<SpanData> spans = exporter.getFinishedSpanItems();
      String trace = spans.get(0).getTraceId();
      assertThat(spans).as(describe(spans)).hasSize(6).allSatisfy(span -> assertThat(span.getTraceId())
          .as("one trace: " + describe(spans)).isEqualTo(trace));

      SpanData root = single(spans, "POST /orders", null);
      assertThat(root.getParentSpanContext().isValid()).isFalse();
      SpanData sendOrder = single(spans, "send " + orders, null);
      SpanData processOrder = single(spans, "process " + orders, "processed");
      SpanData sendPayment = single(spans, "send " + payments, null);
      SpanData processPayment = single(spans, "process " + payments, "processed");
      SpanData duplicate = single(spans, "process " + orders, "duplicate");

      assertChild(sendOrder, root, SpanKind.PRODUCER);
      assertChild(processOrder, sendOrder, SpanKind.CONSUMER);
      assertChild(sendPayment, processOrder, SpanKind.PRODUCER);
      assertChild(processPayment, sendPayment, SpanKind.CONSUMER);
      assertChild(duplicate, sendOrder, SpanKind.CONSUMER);
      assertThat(duplicate.getAttributes().get(MESSAGE_ID)).isEqualTo(sendOrder.getAttributes().get(MESSAGE_ID));
    }
  }

  private static void redeliver(TestKafka kafka, ConsumerRecord<byte[], byte[]> record) throws Exception {
    Properties properties = kafka.producerProperties();
    properties.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    properties.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(properties)) {
      producer.send(new ProducerRecord<>(record.topic(), null, record.key(), record.value(), record.headers()))
          .get(60, TimeUnit.SECONDS);
    }
  }

  private static SpanData single(List<SpanData> spans, String name, String outcome) {
    List<SpanData> found = spans.stream().filter(span -> span.getName().equals(name))
        .filter(span -> outcome == null || outcome.equals(span.getAttributes().get(OUTCOME))).toList();
    assertThat(found).as(name + (outcome == null ? "" : " " + outcome) + " in " + describe(spans)).hasSize(1);
    return found.get(0);
  }

  private static void assertChild(SpanData child, SpanData parent, SpanKind kind) {
    assertThat(child.getKind()).as(child.getName() + " kind").isEqualTo(kind);
    assertThat(child.getParentSpanId()).as(child.getName() + " is a child of " + parent.getName())
        .isEqualTo(parent.getSpanId());
  }

  private static String describe(List<SpanData> spans) {
    StringBuilder text = new StringBuilder();
    for (SpanData span : spans) {
      text.append('\n').append(span.getName()).append(' ').append(span.getKind()).append(" trace ")
          .append(span.getTraceId()).append(" span ").append(span.getSpanId()).append(" parent ")
          .append(span.getParentSpanId()).append(' ').append(span.getAttributes().get(OUTCOME));
    }
    return text.toString();
  }
}
