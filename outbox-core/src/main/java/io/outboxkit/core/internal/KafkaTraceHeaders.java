package io.outboxkit.core.internal;

import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.opentelemetry.context.propagation.TextMapSetter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.jspecify.annotations.Nullable;

/**
 * Kafka record headers as OpenTelemetry's carrier of the W3C trace context ({@code traceparent},
 * {@code tracestate}), for the relay's and the inbox's spans: a header's last value as UTF-8 text, and a value
 * written in place of the header's earlier ones. Touches OpenTelemetry's and Kafka's classes: call it only when
 * opentelemetry-api and kafka-clients are on the class path.
 */
public final class KafkaTraceHeaders {

  /** Reads a header's last value as UTF-8 text; null when the header is absent or has no value. */
  public static final TextMapGetter<Headers> GETTER = new TextMapGetter<>() {
    @Override
    public Iterable<String> keys(Headers carrier) {
      List<String> keys = new ArrayList<>();
      for (Header header : carrier) {
        keys.add(header.key());
      }
      return keys;
    }

    @Override
    public @Nullable String get(@Nullable Headers carrier, String key) {
      return carrier == null ? null : lastValue(carrier, key);
    }
  };

  /** Replaces every value of a header with the given one, as UTF-8 bytes. */
  public static final TextMapSetter<Headers> SETTER = (carrier, key, value) -> {
    if (carrier != null) {
      carrier.remove(key);
      carrier.add(key, value.getBytes(StandardCharsets.UTF_8));
    }
  };

  private KafkaTraceHeaders() {
  }

  /** The header's last value as UTF-8 text; null when the header is absent or has no value. */
  public static @Nullable String lastValue(Headers headers, String key) {
    Header header = headers.lastHeader(key);
    return header == null || header.value() == null ? null : new String(header.value(), StandardCharsets.UTF_8);
  }

  /** The W3C trace context in the headers, as a child of the root context (invalid when there is none). */
  public static Context extract(Headers headers) {
    return W3CTraceContextPropagator.getInstance().extract(Context.root(), headers, GETTER);
  }
}
