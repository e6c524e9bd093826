package io.outboxkit.spring.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.outboxkit.core.OutboxEvent;
import io.outboxkit.test.OutboxTestInfrastructure;
import io.outboxkit.test.TestDatabase;
import io.outboxkit.test.TestKafka;
import io.outboxkit.writer.OutboxWriter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * An {@link IdempotentListener @IdempotentListener} traced with the application's {@code OpenTelemetry} bean,
 * against real PostgreSQL and Kafka: the method runs in a CONSUMER span, child of the record's {@code
 * traceparent}; the event it writes with the OutboxWriter stores that span's context; the same record delivered
 * again is a consumer span marked as an absorbed duplicate, and writes nothing. A batch listener's call is one
 * consumer span linked to its records' contexts.
 */
@ExtendWith(ListenerTracingIT.DropDatabaseLast.class) // declared first: runs after the context closed
@SpringBootTest(classes = ListenerTracingIT.ShippingApplication.class, properties = {
    "outbox.relay.enabled=false",
    "outbox.writer.initialize-schema=true",
    "outbox.inbox.initialize-schema=true",
    "spring.kafka.consumer.auto-offset-reset=earliest"})
@DirtiesContext
class ListenerTracingIT {

  private static final Duration WAIT = Duration.ofSeconds(120);
  private static final String TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736";
  private static final String RELAY_SPAN = "00f067aa0ba902b7";
  private static final AttributeKey<String> OUTCOME = AttributeKey.stringKey("outboxkit.inbox.outcome");

  static final TestDatabase DATABASE = OutboxTestInfrastructure.shared().newDatabase("listener_tracing");
  static final TestKafka KAFKA = OutboxTestInfrastructure.shared().kafka("listener-tracing");
  static final String TOPIC = KAFKA.newTopic("payments");
  static final String BATCH_TOPIC = KAFKA.newTopic("refunds");
  static final InMemorySpanExporter SPANS = InMemorySpanExporter.create();

  @DynamicPropertySource
  static void infrastructure(DynamicPropertyRegistry registry) throws Exception {
    KAFKA.createTopic(TOPIC, 1);
    KAFKA.createTopic(BATCH_TOPIC, 1);
    registry.add("spring.datasource.url", DATABASE::jdbcUrl);
    registry.add("spring.datasource.username", DATABASE::username);
    registry.add("spring.datasource.password", DATABASE::password);
    registry.add("spring.kafka.bootstrap-servers", KAFKA::bootstrapServers);
    registry.add("shipping.topic", () -> TOPIC);
    registry.add("shipping.batch-topic", () -> BATCH_TOPIC);
  }

  /** Drops the test database once the application has stopped. */
  static final class DropDatabaseLast implements AfterAllCallback {

    @Override
    public void afterAll(ExtensionContext context) {
      DATABASE.close();
    }
  }

  @Autowired JdbcTemplate jdbc;

  @Test
  void theListenerRunsInAConsumerSpanAndTheEventsItWritesCarryIt() throws Exception {
    String id = UUID.randomUUID().toString();
    publish("o-1", id);
    await().atMost(WAIT).until(() -> consumerSpans().size() == 1);
    publish("o-1", id); // the same event delivered again
    await().atMost(WAIT).until(() -> consumerSpans().size() == 2);

    List<SpanData> spans = consumerSpans();
    SpanData processed = spans.stream().filter(span -> "processed".equals(span.getAttributes().get(OUTCOME)))
        .findFirst().orElseThrow(() -> new AssertionError("no processed span in " + spans));
    SpanData duplicate = spans.stream().filter(span -> "duplicate".equals(span.getAttributes().get(OUTCOME)))
        .findFirst().orElseThrow(() -> new AssertionError("no duplicate span in " + spans));
    for (SpanData span : spans) {
      assertThat(span.getName()).isEqualTo("process " + TOPIC);
      assertThat(span.getTraceId()).isEqualTo(TRACE_ID);
      assertThat(span.getParentSpanId()).isEqualTo(RELAY_SPAN);
      assertThat(span.getAttributes().get(AttributeKey.stringKey("messaging.message.id"))).isEqualTo(id);
      assertThat(span.getAttributes().get(AttributeKey.stringKey("outboxkit.inbox.consumer"))).isEqualTo("shipping");
    }

    List<String> stored = jdbc.queryForList("SELECT tracingspancontext FROM outbox_event", String.class);
    assertThat(stored).as("one event written: the duplicate wrote nothing").singleElement().asString()
        .contains("traceparent=00-" + TRACE_ID + "-" + processed.getSpanId() + "-01");
    assertThat(duplicate.getSpanId()).isNotEqualTo(processed.getSpanId());
  }

  @Test
  void aBatchListenerRunsInOneConsumerSpanLinkedToItsRecordsContexts() throws Exception {
    publish(BATCH_TOPIC, "o-2", UUID.randomUUID().toString());
    await().atMost(WAIT).until(() -> spansOf(BATCH_TOPIC).size() == 1);

    SpanData span = spansOf(BATCH_TOPIC).get(0);
    assertThat(span.getKind()).isEqualTo(SpanKind.CONSUMER);
    assertThat(span.getParentSpanContext().isValid()).as("a batch span has links, not a parent").isFalse();
    assertThat(span.getLinks()).singleElement().satisfies(link -> {
      assertThat(link.getSpanContext().getTraceId()).isEqualTo(TRACE_ID);
      assertThat(link.getSpanContext().getSpanId()).isEqualTo(RELAY_SPAN);
    });
    assertThat(span.getAttributes().get(AttributeKey.longKey("messaging.batch.message_count"))).isEqualTo(1);
  }

  private static List<SpanData> consumerSpans() {
    return spansOf(TOPIC);
  }

  private static List<SpanData> spansOf(String topic) {
    return SPANS.getFinishedSpanItems().stream()
        .filter(span -> span.getKind() == SpanKind.CONSUMER && span.getName().equals("process " + topic)).toList();
  }

  private static void publish(String order, String id) throws Exception {
    publish(TOPIC, order, id);
  }

  private static void publish(String topic, String order, String id) throws Exception {
    var properties = KAFKA.producerProperties();
    properties.put("key.serializer", StringSerializer.class.getName());
    properties.put("value.serializer", StringSerializer.class.getName());
    try (KafkaProducer<String, String> producer = new KafkaProducer<>(properties)) {
      ProducerRecord<String, String> record = new ProducerRecord<>(topic, order, "{}");
      record.headers().add("id", id.getBytes(StandardCharsets.UTF_8));
      record.headers().add("traceparent",
          ("00-" + TRACE_ID + "-" + RELAY_SPAN + "-01").getBytes(StandardCharsets.UTF_8));
      producer.send(record).get();
    }
  }

  @SpringBootConfiguration
  @EnableAutoConfiguration
  @Import({ShippingListener.class, RefundListener.class})
  static class ShippingApplication {

    /** What a Boot application with Micrometer Tracing's OpenTelemetry bridge has: an OpenTelemetry bean. */
    @Bean(destroyMethod = "close")
    OpenTelemetrySdk openTelemetry() {
      return OpenTelemetrySdk.builder()
          .setTracerProvider(SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(SPANS)).build())
          .build();
    }
  }

  /** Ships each paid order once: writes a ShipmentRequested event. */
  static class ShippingListener {

    private final OutboxWriter writer;

    ShippingListener(OutboxWriter writer) {
      this.writer = writer;
    }

    @KafkaListener(topics = "${shipping.topic}", groupId = "shipping")
    @IdempotentListener
    public void on(ConsumerRecord<String, String> record) {
      writer.publish(OutboxEvent.of("shipment", record.key(), "ShipmentRequested", "{}"));
    }
  }

  /** Counts refunds, a poll at a time. */
  static class RefundListener {

    private final JdbcTemplate jdbc;

    RefundListener(JdbcTemplate jdbc) {
      this.jdbc = jdbc;
    }

    @KafkaListener(topics = "${shipping.batch-topic}", groupId = "refunds", batch = "true")
    @IdempotentListener
    public void on(List<ConsumerRecord<String, String>> records) {
      jdbc.queryForObject("SELECT count(*) FROM outbox_event", Integer.class); // work in the inbox's transaction
    }
  }
}
