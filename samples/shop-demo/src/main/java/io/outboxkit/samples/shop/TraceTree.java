package io.outboxkit.samples.shop;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Reads the traces file back ({@link OtlpJsonLinesExporter}'s OTLP JSON lines) and renders one saga's trace as
 * an indented tree: when each span started (milliseconds from the trace's first span), which service made it,
 * and what it did; the transition where the compensation started is marked with its reason.
 */
final class TraceTree {

  static final String COMPENSATION_MARK = "<== compensation started: ";

  /** One span as read from the file. */
  record SpanRow(String traceId, String spanId, @Nullable String parentId, String service, String name, int kind,
      long startNanos, long endNanos, Map<String, String> attributes, List<Event> events, boolean error) {

    @Nullable String attribute(String key) {
      return attributes.get(key);
    }
  }

  /** A span's event: its name and attributes. */
  record Event(String name, Map<String, String> attributes) {
  }

  private final List<SpanRow> spans;

  private TraceTree(List<SpanRow> spans) {
    this.spans = spans;
  }

  /** Reads every span of the file. */
  static TraceTree read(Path file) throws IOException {
    return read(List.of(file));
  }

  /**
   * Reads every span of the files that exist; a line that is not JSON (the last one of a process killed while it
   * wrote) is left out.
   */
  static TraceTree read(List<Path> files) throws IOException {
    JsonMapper json = JsonMapper.builder().build();
    List<SpanRow> spans = new ArrayList<>();
    for (Path file : files) {
      if (Files.exists(file)) {
        read(file, json, spans);
      }
    }
    return new TraceTree(spans);
  }

  private static void read(Path file, JsonMapper json, List<SpanRow> spans) throws IOException {
    try (BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      String line;
      while ((line = reader.readLine()) != null) {
        if (line.isBlank()) {
          continue;
        }
        JsonNode request;
        try {
          request = json.readTree(line);
        } catch (JacksonException e) {
          continue;
        }
        for (JsonNode resource : request.path("resourceSpans")) {
          String service = attributes(resource.path("resource").path("attributes")).getOrDefault("service.name", "?");
          for (JsonNode scope : resource.path("scopeSpans")) {
            for (JsonNode span : scope.path("spans")) {
              List<Event> events = new ArrayList<>();
              for (JsonNode event : span.path("events")) {
                events.add(new Event(event.path("name").asString(), attributes(event.path("attributes"))));
              }
              spans.add(new SpanRow(span.path("traceId").asString(), span.path("spanId").asString(),
                  span.has("parentSpanId") ? span.path("parentSpanId").asString() : null, service,
                  span.path("name").asString(), span.path("kind").asInt(),
                  Long.parseLong(span.path("startTimeUnixNano").asString()),
                  Long.parseLong(span.path("endTimeUnixNano").asString()), attributes(span.path("attributes")),
                  events, span.path("status").path("code").asInt() == 2));
            }
          }
        }
      }
    }
  }

  private static Map<String, String> attributes(JsonNode array) {
    Map<String, String> attributes = new LinkedHashMap<>();
    for (JsonNode attribute : array) {
      JsonNode value = attribute.path("value");
      String text = value.has("stringValue") ? value.path("stringValue").asString()
          : value.has("intValue") ? value.path("intValue").asString()
          : value.has("boolValue") ? Boolean.toString(value.path("boolValue").asBoolean())
          : value.has("doubleValue") ? Double.toString(value.path("doubleValue").asDouble()) : value.toString();
      attributes.put(attribute.path("key").asString(), text);
    }
    return attributes;
  }

  /** Spans read. */
  int size() {
    return spans.size();
  }

  /** The id of the trace the saga started in, if its start is in the file. */
  Optional<String> traceOfSaga(String sagaId) {
    return spans.stream().filter(span -> span.name().startsWith("saga start ")
        && sagaId.equals(span.attribute("outboxkit.saga.id"))).map(SpanRow::traceId).findFirst();
  }

  /** The id of the trace of the first event published with this key (aggregate id), if any. */
  Optional<String> traceOfKey(String key) {
    return spans.stream().filter(span -> key.equals(span.attribute("messaging.kafka.message.key")))
        .min(Comparator.comparingLong(SpanRow::startNanos)).map(SpanRow::traceId);
  }

  /** The spans of one trace. */
  List<SpanRow> trace(String traceId) {
    return spans.stream().filter(span -> span.traceId().equals(traceId)).toList();
  }

  /**
   * The trace as indented lines: {@code offset ms, took ms, service, span} with each child under its parent,
   * siblings in the order they started.
   */
  static List<String> render(List<SpanRow> trace) {
    Map<String, SpanRow> byId = new HashMap<>();
    trace.forEach(span -> byId.put(span.spanId(), span));
    Map<String, List<SpanRow>> children = new HashMap<>();
    List<SpanRow> roots = new ArrayList<>();
    for (SpanRow span : trace) {
      if (span.parentId() != null && byId.containsKey(span.parentId())) {
        children.computeIfAbsent(span.parentId(), id -> new ArrayList<>()).add(span);
      } else {
        roots.add(span);
      }
    }
    Comparator<SpanRow> byStart = Comparator.comparingLong(SpanRow::startNanos);
    roots.sort(byStart);
    children.values().forEach(list -> list.sort(byStart));
    long origin = trace.stream().mapToLong(SpanRow::startNanos).min().orElse(0);
    List<String> lines = new ArrayList<>();
    lines.add(String.format(Locale.ROOT, "  %8s %6s  %-21s %s", "at ms", "took", "service", "span"));
    for (SpanRow root : roots) {
      render(root, 0, origin, byId, children, lines);
    }
    return lines;
  }

  private static void render(SpanRow span, int depth, long origin, Map<String, SpanRow> byId,
      Map<String, List<SpanRow>> children, List<String> lines) {
    lines.add(String.format(Locale.ROOT, "  %8d %6d  %-21s %s%s", (span.startNanos() - origin) / 1_000_000,
        (span.endNanos() - span.startNanos()) / 1_000_000, span.service(), "  ".repeat(depth),
        describe(span, byId)));
    for (SpanRow child : children.getOrDefault(span.spanId(), List.of())) {
      render(child, depth + 1, origin, byId, children, lines);
    }
  }

  /** What the span did, in a few words. */
  private static String describe(SpanRow span, Map<String, SpanRow> byId) {
    StringBuilder text = new StringBuilder(span.name());
    String eventType = span.attribute("outboxkit.event.type");
    if (eventType == null && span.parentId() != null && byId.containsKey(span.parentId())) {
      // a consumer span: the event it took is named on the producer span that sent it
      eventType = byId.get(span.parentId()).attribute("outboxkit.event.type");
    }
    if (eventType != null) {
      text.append(' ').append(eventType);
    }
    String status = span.attribute("http.response.status_code");
    if (status != null) {
      text.append(" -> ").append(status);
    }
    String outcome = span.attribute("outboxkit.inbox.outcome");
    if ("duplicate".equals(outcome)) {
      text.append(" (duplicate, absorbed by the inbox)");
    }
    String state = span.attribute("outboxkit.saga.state");
    if (state != null) {
      text.append(" -> ").append(state).append(" at step ").append(span.attribute("outboxkit.saga.step"));
    }
    if (span.error()) {
      text.append(" [ERROR]");
    }
    for (Event event : span.events()) {
      if ("compensation started".equals(event.name())) {
        text.append("   ").append(COMPENSATION_MARK).append(event.attributes().getOrDefault("outboxkit.saga.reason", "?"));
      }
    }
    return text.toString();
  }

  /** The services that made spans in the trace. */
  static Set<String> services(List<SpanRow> trace) {
    return new java.util.TreeSet<>(trace.stream().map(SpanRow::service).toList());
  }
}
