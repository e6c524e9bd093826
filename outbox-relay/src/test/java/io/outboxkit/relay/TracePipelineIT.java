package io.outboxkit.relay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanId;
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
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
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
import org.jspecify.annotations.Nullable;

/**
 * One trace through the whole pipeline, over real PostgreSQL and Kafka: a request span writes an event with
 * the writer, the relay publishes it, an inbox runner consumes it and its handler writes a second event, which
 * the relay publishes and a second runner consumes. The trace context crosses only through the outbox (row or
 * WAL message) and the Kafka headers; in the second test the relay runs in a JVM of its own, with its own
 * OpenTelemetry SDK. A redelivered record is a consumer span marked as an absorbed duplicate, with no second
 * effect.
 */
@OutboxIntegrationTest
class TracePipelineIT {

  private static final AttributeKey<String> OUTCOME = AttributeKey.stringKey("outboxkit.inbox.outcome");
  private static final AttributeKey<String> MESSAGE_ID = AttributeKey.stringKey("messaging.message.id");

  @ParameterizedTest(name = "{0}")
  @EnumSource(value = WriteMode.class, names = {"TABLE", "TABLE_DELETE_AFTER_INSERT", "WAL_MESSAGE"})
  void oneTraceFromTheRequestToTheLastConsumer(WriteMode mode, TestDatabase db, TestKafka kafka) throws Exception {
    runPipeline(mode, db, kafka, false);
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(value = WriteMode.class, names = {"TABLE", "WAL_MESSAGE"})
  void oneTraceWithTheRelayInItsOwnProcess(WriteMode mode, TestDatabase db, TestKafka kafka) throws Exception {
    runPipeline(mode, db, kafka, true);
  }

  private void runPipeline(WriteMode mode, TestDatabase db, TestKafka kafka, boolean relayProcess)
      throws Exception {
    RelayFixture.installSchema(db);
    InboxSchema.builder().build().install(db.dataSource());
    String prefix = kafka.newTopic("trace-" + mode.name().toLowerCase().replace('_', '-')) + ".";
    String orders = prefix + "order";
    String payments = prefix + "payment";
    kafka.createTopic(orders, 1);
    kafka.createTopic(payments, 1);

    InMemorySpanExporter exporter = InMemorySpanExporter.create();
    Path work = Files.createTempDirectory("trace-pipeline");
    Path relaySpans = work.resolve("relay-spans.tsv");
    Path relayLog = work.resolve("relay.log");
    List<String> shipped = new CopyOnWriteArrayList<>();
    Process child = null;
    try (OpenTelemetrySdk otel = OpenTelemetrySdk.builder()
        .setTracerProvider(SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(exporter)).build())
        .build();
        OutboxRelay relay = RelayFixture.relay(db, kafka, prefix).mode(mode).openTelemetry(otel).build()) {
      if (relayProcess) {
        child = TracedRelayProcess.launch(relayLog, db.host(), Integer.toString(db.port()), db.name(),
            db.username(), db.password(), db.name(), prefix, mode.name(), kafka.bootstrapServers(),
            relaySpans.toString());
        Process started = child;
        await("the relay process ready").atMost(RelayFixture.TIMEOUT).until(() -> {
          if (!started.isAlive()) {
            throw new AssertionError("the relay process ended: " + Files.readString(relayLog));
          }
          return TracedRelayProcess.isReady(relayLog);
        });
      } else {
        relay.start();
        RelayFixture.awaitActive(relay);
      }
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
            .until(() -> spans(exporter, relaySpans).size() >= 5);

        // a redelivery: the relayed record again, exactly as the relay published it
        ConsumerRecord<byte[], byte[]> relayed = kafka.readRecords(orders, 1, RelayFixture.TIMEOUT).get(0);
        redeliver(kafka, relayed);
        await("the duplicate absorbed").atMost(RelayFixture.TIMEOUT)
            .until(() -> billing.stats().duplicates() == 1);
        await("its span ended").atMost(RelayFixture.TIMEOUT)
            .until(() -> spans(exporter, relaySpans).size() >= 6);
        assertThat(kafka.readRecords(payments, 1, Duration.ofSeconds(5))).as("no second effect").hasSize(1);
        assertThat(shipped).containsExactly("o-1");
      }

      List<SpanView> spans = spans(exporter, relaySpans);
      String trace = spans.get(0).traceId();
      assertThat(spans).as(describe(spans)).hasSize(6).allSatisfy(span -> assertThat(span.traceId())
          .as("one trace: " + describe(spans)).isEqualTo(trace));

      SpanView root = single(spans, "POST /orders", null);
      assertThat(root.parentSpanId()).isEqualTo(SpanId.getInvalid());
      SpanView sendOrder = single(spans, "send " + orders, null);
      SpanView processOrder = single(spans, "process " + orders, "processed");
      SpanView sendPayment = single(spans, "send " + payments, null);
      SpanView processPayment = single(spans, "process " + payments, "processed");
      SpanView duplicate = single(spans, "process " + orders, "duplicate");

      assertChild(sendOrder, root, SpanKind.PRODUCER);
      assertChild(processOrder, sendOrder, SpanKind.CONSUMER);
      assertChild(sendPayment, processOrder, SpanKind.PRODUCER);
      assertChild(processPayment, sendPayment, SpanKind.CONSUMER);
      assertChild(duplicate, sendOrder, SpanKind.CONSUMER);
      assertThat(duplicate.messageId()).isEqualTo(sendOrder.messageId());
    } finally {
      if (child != null) {
        child.destroy();
        if (!child.waitFor(30, TimeUnit.SECONDS)) {
          child.destroyForcibly();
        }
      }
    }
  }

  /** What the test reads of a span, from this JVM's exporter or the relay process's file. */
  record SpanView(String name, SpanKind kind, String traceId, String spanId, String parentSpanId,
      @Nullable String outcome, @Nullable String messageId) {

    static SpanView of(SpanData span) {
      return new SpanView(span.getName(), span.getKind(), span.getTraceId(), span.getSpanId(),
          span.getParentSpanId(), span.getAttributes().get(OUTCOME), span.getAttributes().get(MESSAGE_ID));
    }

    static SpanView parse(String line) {
      String[] f = line.split("\t", -1);
      return new SpanView(f[0], SpanKind.valueOf(f[1]), f[2], f[3], f[4], "null".equals(f[5]) ? null : f[5],
          "null".equals(f[6]) ? null : f[6]);
    }
  }

  private static List<SpanView> spans(InMemorySpanExporter exporter, Path relaySpans) throws Exception {
    List<SpanView> spans = new ArrayList<>();
    exporter.getFinishedSpanItems().forEach(span -> spans.add(SpanView.of(span)));
    if (Files.exists(relaySpans)) {
      String text = Files.readString(relaySpans);
      int complete = text.lastIndexOf('\n'); // a line being appended is read next time
      if (complete > 0) {
        for (String line : text.substring(0, complete).split("\n")) {
          spans.add(SpanView.parse(line));
        }
      }
    }
    return spans;
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

  private static SpanView single(List<SpanView> spans, String name, String outcome) {
    List<SpanView> found = spans.stream().filter(span -> span.name().equals(name))
        .filter(span -> outcome == null || outcome.equals(span.outcome())).toList();
    assertThat(found).as(name + (outcome == null ? "" : " " + outcome) + " in " + describe(spans)).hasSize(1);
    return found.get(0);
  }

  private static void assertChild(SpanView child, SpanView parent, SpanKind kind) {
    assertThat(child.kind()).as(child.name() + " kind").isEqualTo(kind);
    assertThat(child.parentSpanId()).as(child.name() + " is a child of " + parent.name())
        .isEqualTo(parent.spanId());
  }

  private static String describe(List<SpanView> spans) {
    StringBuilder text = new StringBuilder();
    for (SpanView span : spans) {
      text.append('\n').append(span);
    }
    return text.toString();
  }
}
