package io.outboxkit.saga;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.context.Scope;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.EventData;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.outboxkit.test.OutboxIntegrationTest;
import io.outboxkit.test.TestDatabase;
import io.outboxkit.test.TestKafka;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A saga in one trace: the request that starts it, the orchestrator's transitions, the relay's sends, the
 * participants' work, the scanner's decision at the saga's deadline and the compensation that follows, all
 * under the request's trace id; the span where the compensation started says so and why.
 */
@OutboxIntegrationTest
class SagaTracingIT {

  private static final AttributeKey<String> SAGA_ID = AttributeKey.stringKey("outboxkit.saga.id");
  private static final AttributeKey<String> STATE = AttributeKey.stringKey("outboxkit.saga.state");
  private static final AttributeKey<Long> BATCH_SIZE = AttributeKey.longKey("messaging.batch.message_count");

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"one transaction per record", "one transaction per poll"})
  void aCompensatedSagaIsOneTraceFromTheRequestToTheLastCompensation(String consumers, TestDatabase db,
      TestKafka kafka) throws Exception {
    boolean batches = consumers.endsWith("poll");
    InMemorySpanExporter exporter = InMemorySpanExporter.create();
    try (OpenTelemetrySdk otel = OpenTelemetrySdk.builder()
        .setTracerProvider(SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(exporter)).build())
        .build();
        SagaFixture fixture = new SagaFixture(db, kafka, otel)) {
      // a step timeout of ten minutes: only the saga's deadline of 10 s, found by the scanner, ends the wait
      SagaOrchestrator orchestrator = SagaOrchestrator.builder(fixture.dataSource, fixture.writer)
          .definition(OrderSaga.builder(Duration.ofMinutes(10)).timeout(Duration.ofSeconds(10)).build())
          .scanInterval(Duration.ofMillis(200))
          .openTelemetry(otel)
          .build();
      orchestrator.startScanner();
      fixture.closeLater(orchestrator);
      if (batches) {
        fixture.consumeBatches(orchestrator.replyChannel(), "orchestrator", orchestrator.replyBatchHandler());
        fixture.consumeBatches("inventory", "inventory", OrderSaga.inventory(fixture).commandBatchHandler());
      } else {
        fixture.consume(orchestrator.replyChannel(), "orchestrator", orchestrator.replyHandler());
        fixture.consume("inventory", "inventory", OrderSaga.inventory(fixture).commandHandler());
      }

      Span request = otel.getTracer("test").spanBuilder("POST /orders").setSpanKind(SpanKind.SERVER).startSpan();
      try (Scope ignored = request.makeCurrent()) {
        orchestrator.start(OrderSaga.TYPE, "t-1", new OrderSaga.Data("t-1", 5, ""));
      } finally {
        request.end();
      }
      await("the saga's deadline").atMost(SagaFixture.TIMEOUT).pollInterval(Duration.ofMillis(100))
          .until(() -> SagaIT.events(orchestrator.history(OrderSaga.TYPE, "t-1")),
              history -> history.contains("SAGA TIMED_OUT charge-payment"));
      if (batches) {
        fixture.consumeBatches("payment", "payment", OrderSaga.payment(fixture).commandBatchHandler());
      } else {
        fixture.consume("payment", "payment", OrderSaga.payment(fixture).commandHandler());
      }
      SagaFixture.awaitState(orchestrator, OrderSaga.TYPE, "t-1", SagaState.COMPENSATED);
      assertThat(fixture.effects("t-1")).containsExactly("reserve", "charge", "refund", "release");

      // the last spans: the orchestrator's transition to COMPENSATED and the consumer span around it
      await("the saga's last spans").atMost(SagaFixture.TIMEOUT).until(() -> {
        List<SpanData> ended = exporter.getFinishedSpanItems();
        return ended.stream().filter(span -> "compensated".equals(span.getAttributes().get(STATE)))
            .anyMatch(last -> ended.stream().anyMatch(span -> span.getSpanId().equals(last.getParentSpanId())));
      });
      String traceId = request.getSpanContext().getTraceId();
      // in the batch form the runner's span for each poll is a trace of its own that links to the records';
      // the work on each record is in the saga's trace all the same
      List<SpanData> pollSpans = exporter.getFinishedSpanItems().stream()
          .filter(span -> span.getAttributes().get(BATCH_SIZE) != null).toList();
      if (batches) {
        assertThat(pollSpans).isNotEmpty().allSatisfy(poll -> assertThat(poll.getLinks())
            .anySatisfy(link -> assertThat(link.getSpanContext().getTraceId()).isEqualTo(traceId)));
      } else {
        assertThat(pollSpans).isEmpty();
      }
      List<SpanData> spans = exporter.getFinishedSpanItems().stream()
          .filter(span -> span.getAttributes().get(BATCH_SIZE) == null).toList();
      assertThat(spans).allSatisfy(span -> assertThat(span.getTraceId()).as(span.getName()).isEqualTo(traceId));
      Map<String, SpanData> byId = spans.stream().collect(Collectors.toMap(SpanData::getSpanId, Function.identity()));
      List<SpanData> saga = spans.stream().filter(span -> "t-1".equals(span.getAttributes().get(SAGA_ID))).toList();
      assertThat(saga).extracting(SpanData::getName).contains("saga start " + OrderSaga.TYPE, "saga reply " + OrderSaga.TYPE,
          "saga due " + OrderSaga.TYPE);

      SpanData start = only(saga, "saga start " + OrderSaga.TYPE);
      assertThat(start.getParentSpanId()).isEqualTo(request.getSpanContext().getSpanId());
      // the scanner has no span of its own: its transition continues the trace the saga stored at its start
      SpanData due = saga.stream().filter(span -> span.getName().equals("saga due " + OrderSaga.TYPE)
          && span.getEvents().stream().anyMatch(event -> event.getName().equals("compensation started")))
          .findFirst().orElseThrow();
      assertThat(due.getParentSpanId()).isEqualTo(start.getSpanId());
      EventData began = due.getEvents().stream().filter(event -> event.getName().equals("compensation started"))
          .findFirst().orElseThrow();
      assertThat(began.getAttributes().get(AttributeKey.stringKey("outboxkit.saga.reason")))
          .contains("deadline").contains("charge-payment");
      assertThat(due.getAttributes().get(STATE)).isEqualTo("compensating");

      // the refund the scanner's transition sent is its grandchild: relay send, then the payment's consumer span
      SpanData refund = spans.stream().filter(span -> span.getKind() == SpanKind.CONSUMER
          && span.getParentSpanId() != null && byId.containsKey(span.getParentSpanId())
          && byId.get(span.getParentSpanId()).getParentSpanId().equals(due.getSpanId()))
          .findFirst().orElseThrow();
      assertThat(byId.get(refund.getParentSpanId()).getKind()).isEqualTo(SpanKind.PRODUCER);
      // replies are handled in the orchestrator's consumer spans (in a batch, one span per reply, under the
      // batch's span that only links the records)
      assertThat(saga.stream().filter(span -> span.getName().equals("saga reply " + OrderSaga.TYPE)))
          .allSatisfy(reply -> assertThat(byId.get(reply.getParentSpanId()).getKind()).isEqualTo(SpanKind.CONSUMER));
    }
  }

  private static SpanData only(List<SpanData> spans, String name) {
    List<SpanData> named = spans.stream().filter(span -> span.getName().equals(name)).toList();
    assertThat(named).as(name).hasSize(1);
    return named.get(0);
  }
}
