package io.outboxkit.samples.shop;

import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The traces file written by {@link OtlpJsonLinesExporter}, read back and drawn by {@link TraceTree}. */
class TraceTreeTest {

  @TempDir
  Path directory;

  @Test
  void aSagaTraceReadBackFromTheFileIsDrawnAsATreeWithTheCompensationMarked() throws IOException {
    Path file = directory.resolve("traces.jsonl");
    OtlpJsonLinesExporter exporter = new OtlpJsonLinesExporter(file);
    SdkTracerProvider orders = provider(exporter, "order-service");
    SdkTracerProvider relay = provider(exporter, "order-service-relay");
    SdkTracerProvider inventory = provider(exporter, "inventory-service");
    Tracer order = orders.get("test");

    Span request = order.spanBuilder("POST /orders").setSpanKind(SpanKind.SERVER).startSpan();
    request.setAttribute("http.response.status_code", 201L);
    Span start = order.spanBuilder("saga start place-order").setParent(Context.root().with(request))
        .setAttribute("outboxkit.saga.id", "o-1").setAttribute("outboxkit.saga.state", "running")
        .setAttribute("outboxkit.saga.step", 1L).startSpan();
    Span send = relay.get("test").spanBuilder("send outbox.event.inventory").setSpanKind(SpanKind.PRODUCER)
        .setParent(Context.root().with(start)).setAttribute("outboxkit.event.type", "ReserveStock")
        .setAttribute("messaging.kafka.message.key", "o-1").startSpan();
    Span process = inventory.get("test").spanBuilder("process outbox.event.inventory").setSpanKind(SpanKind.CONSUMER)
        .setParent(Context.root().with(send)).setAttribute("outboxkit.inbox.outcome", "processed").startSpan();
    Span again = inventory.get("test").spanBuilder("process outbox.event.inventory").setSpanKind(SpanKind.CONSUMER)
        .setParent(Context.root().with(send)).setAttribute("outboxkit.inbox.outcome", "duplicate").startSpan();
    Span reply = order.spanBuilder("saga reply place-order").setParent(Context.root().with(process))
        .setAttribute("outboxkit.saga.state", "compensating").setAttribute("outboxkit.saga.step", 1L).startSpan();
    reply.addEvent("compensation started", Attributes.of(AttributeKey.stringKey("outboxkit.saga.reason"),
        "OUT_OF_STOCK: 5 of p-01 requested, 3 available"));
    Span other = order.spanBuilder("saga start place-order").setAttribute("outboxkit.saga.id", "o-2").startSpan();
    for (Span span : List.of(reply, again, process, send, start, request, other)) {
      span.end();
    }
    orders.forceFlush().join(10, java.util.concurrent.TimeUnit.SECONDS);
    relay.forceFlush().join(10, java.util.concurrent.TimeUnit.SECONDS);
    inventory.forceFlush().join(10, java.util.concurrent.TimeUnit.SECONDS);
    exporter.close();

    assertThat(exporter.spans()).isEqualTo(7);
    assertThat(Files.readAllLines(file)).allSatisfy(line -> assertThat(line).startsWith("{\"resourceSpans\":["));
    TraceTree spans = TraceTree.read(file);
    assertThat(spans.size()).isEqualTo(7);
    String traceId = spans.traceOfSaga("o-1").orElseThrow();
    assertThat(spans.traceOfKey("o-1")).contains(traceId);
    assertThat(spans.traceOfSaga("o-3")).isEmpty();
    List<TraceTree.SpanRow> trace = spans.trace(traceId);
    assertThat(trace).hasSize(6);
    assertThat(TraceTree.services(trace)).containsExactly("inventory-service", "order-service", "order-service-relay");

    List<String> tree = TraceTree.render(trace);
    assertThat(tree).hasSize(7);
    assertThat(tree.get(0)).contains("at ms").contains("service").contains("span");
    assertThat(tree.get(1)).contains("order-service").endsWith(" POST /orders -> 201");
    assertThat(tree.get(2)).endsWith("   saga start place-order -> running at step 1");
    assertThat(tree.get(3)).contains("order-service-relay").endsWith("     send outbox.event.inventory ReserveStock");
    // the consumer span names the event its producer span sent; the redelivery reads as absorbed
    assertThat(tree.get(4)).contains("inventory-service").endsWith("       process outbox.event.inventory ReserveStock");
    assertThat(tree.get(5)).contains("order-service")
        .endsWith("         saga reply place-order -> compensating at step 1   " + TraceTree.COMPENSATION_MARK
            + "OUT_OF_STOCK: 5 of p-01 requested, 3 available");
    assertThat(tree.get(6)).endsWith("       process outbox.event.inventory ReserveStock (duplicate, absorbed by the inbox)");
  }

  private static SdkTracerProvider provider(OtlpJsonLinesExporter exporter, String service) {
    return SdkTracerProvider.builder()
        .setResource(Resource.create(Attributes.of(AttributeKey.stringKey("service.name"), service)))
        .addSpanProcessor(SimpleSpanProcessor.create(exporter))
        .build();
  }
}
