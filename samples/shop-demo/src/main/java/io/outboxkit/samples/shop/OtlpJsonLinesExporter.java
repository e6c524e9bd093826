package io.outboxkit.samples.shop;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.common.InstrumentationScopeInfo;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.data.EventData;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Writes spans to a file in the OTLP JSON encoding, one export request per line ({@code {"resourceSpans":
 * [...]}}), as the OpenTelemetry Collector's {@code otlpjsonfile} receiver reads them. Shared by every SDK of
 * the demo (one per service); thread-safe. {@link #shutdown()} does nothing: the demo closes the file once
 * every SDK has flushed ({@link #close()}).
 */
final class OtlpJsonLinesExporter implements SpanExporter, AutoCloseable {

  private final Path file;
  private final BufferedWriter writer;
  private final JsonMapper json = JsonMapper.builder().build();
  private final AtomicLong spans = new AtomicLong();

  OtlpJsonLinesExporter(Path file) {
    this.file = file;
    try {
      if (file.getParent() != null) {
        Files.createDirectories(file.getParent());
      }
      this.writer = Files.newBufferedWriter(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the traces file " + file + ": " + e.getMessage(), e);
    }
  }

  Path file() {
    return file;
  }

  /**
   * Appends the lines of another process's traces file, each export request whole: a line that is not JSON (the
   * last one of a process killed while it wrote) is left out.
   *
   * @return the spans appended
   */
  long append(Path other) throws IOException {
    long appended = 0;
    for (String line : Files.readAllLines(other, StandardCharsets.UTF_8)) {
      JsonNode request;
      try {
        request = json.readTree(line);
      } catch (JacksonException e) {
        continue;
      }
      long count = 0;
      for (JsonNode resource : request.path("resourceSpans")) {
        for (JsonNode scope : resource.path("scopeSpans")) {
          count += scope.path("spans").size();
        }
      }
      synchronized (writer) {
        writer.write(line);
        writer.newLine();
        writer.flush();
      }
      spans.addAndGet(count);
      appended += count;
    }
    return appended;
  }

  /** Spans written so far. */
  long spans() {
    return spans.get();
  }

  @Override
  public CompletableResultCode export(Collection<SpanData> batch) {
    // resource -> scope -> spans, as OTLP nests them
    Map<Resource, Map<InstrumentationScopeInfo, List<SpanData>>> grouped = new LinkedHashMap<>();
    for (SpanData span : batch) {
      grouped.computeIfAbsent(span.getResource(), resource -> new LinkedHashMap<>())
          .computeIfAbsent(span.getInstrumentationScopeInfo(), scope -> new java.util.ArrayList<>()).add(span);
    }
    ObjectNode request = json.createObjectNode();
    ArrayNode resourceSpans = request.putArray("resourceSpans");
    grouped.forEach((resource, scopes) -> {
      ObjectNode resourceNode = resourceSpans.addObject();
      attributes(resourceNode.putObject("resource").putArray("attributes"), resource.getAttributes());
      ArrayNode scopeSpans = resourceNode.putArray("scopeSpans");
      scopes.forEach((scope, spansOfScope) -> {
        ObjectNode scopeNode = scopeSpans.addObject();
        scopeNode.putObject("scope").put("name", scope.getName());
        ArrayNode spanArray = scopeNode.putArray("spans");
        spansOfScope.forEach(span -> span(spanArray.addObject(), span));
      });
    });
    String line = json.writeValueAsString(request);
    try {
      synchronized (writer) {
        writer.write(line);
        writer.newLine();
        writer.flush();
      }
      spans.addAndGet(batch.size());
      return CompletableResultCode.ofSuccess();
    } catch (IOException e) {
      return CompletableResultCode.ofFailure();
    }
  }

  private static void span(ObjectNode node, SpanData span) {
    node.put("traceId", span.getTraceId());
    node.put("spanId", span.getSpanId());
    if (span.getParentSpanContext().isValid()) {
      node.put("parentSpanId", span.getParentSpanId());
    }
    node.put("name", span.getName());
    // OTLP's SpanKind numbers: INTERNAL 1, SERVER 2, CLIENT 3, PRODUCER 4, CONSUMER 5
    node.put("kind", span.getKind().ordinal() + 1);
    node.put("startTimeUnixNano", Long.toString(span.getStartEpochNanos()));
    node.put("endTimeUnixNano", Long.toString(span.getEndEpochNanos()));
    attributes(node.putArray("attributes"), span.getAttributes());
    if (!span.getEvents().isEmpty()) {
      ArrayNode events = node.putArray("events");
      for (EventData event : span.getEvents()) {
        ObjectNode eventNode = events.addObject();
        eventNode.put("timeUnixNano", Long.toString(event.getEpochNanos()));
        eventNode.put("name", event.getName());
        attributes(eventNode.putArray("attributes"), event.getAttributes());
      }
    }
    ObjectNode status = node.putObject("status");
    // OTLP's StatusCode numbers: UNSET 0, OK 1, ERROR 2
    status.put("code", switch (span.getStatus().getStatusCode()) {
      case UNSET -> 0;
      case OK -> 1;
      case ERROR -> 2;
    });
    if (!span.getStatus().getDescription().isEmpty()) {
      status.put("message", span.getStatus().getDescription());
    }
  }

  private static void attributes(ArrayNode array, Attributes attributes) {
    attributes.forEach((AttributeKey<?> key, Object value) -> {
      ObjectNode attribute = array.addObject();
      attribute.put("key", key.getKey());
      ObjectNode valueNode = attribute.putObject("value");
      switch (key.getType()) {
        case BOOLEAN -> valueNode.put("boolValue", (Boolean) value);
        // OTLP JSON writes 64-bit integers as strings
        case LONG -> valueNode.put("intValue", value.toString());
        case DOUBLE -> valueNode.put("doubleValue", (Double) value);
        default -> valueNode.put("stringValue", String.valueOf(value));
      }
    });
  }

  @Override
  public CompletableResultCode flush() {
    try {
      synchronized (writer) {
        writer.flush();
      }
      return CompletableResultCode.ofSuccess();
    } catch (IOException e) {
      return CompletableResultCode.ofFailure();
    }
  }

  @Override
  public CompletableResultCode shutdown() {
    return flush();
  }

  /** Closes the file. */
  @Override
  public void close() {
    try {
      synchronized (writer) {
        writer.close();
      }
    } catch (IOException e) {
      // the spans written so far stay in the file
    }
  }
}
