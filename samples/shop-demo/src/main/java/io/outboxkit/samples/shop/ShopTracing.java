package io.outboxkit.samples.shop;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Scope;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.springframework.boot.SpringApplication;

/**
 * The demo's traces: one OpenTelemetry SDK per process the demo stands for (each service, each relay), named by
 * its {@code service.name}, all writing through one {@link OtlpJsonLinesExporter} to the traces file. Each
 * Spring application gets its SDK as its {@code OpenTelemetry} bean, which OutboxKit's auto-configuration
 * uses for the relay's producer spans, the consumers' spans and the saga's transitions; the order service also
 * gets a server span around {@code POST /orders}, so that each order's trace starts at its request.
 */
final class ShopTracing implements AutoCloseable {

  /** The HTTP request that places an order: the root of the order's trace. */
  static final String PLACE_ORDER = "POST /orders";

  private final OtlpJsonLinesExporter exporter;
  private final Map<String, OpenTelemetrySdk> sdks = new ConcurrentHashMap<>();

  ShopTracing(Path file) {
    this.exporter = new OtlpJsonLinesExporter(file);
  }

  /** The traces file. */
  Path file() {
    return exporter.file();
  }

  /** Spans written to the file so far. */
  long spans() {
    return exporter.spans();
  }

  /** The SDK of a service or relay, made on first use. */
  OpenTelemetrySdk sdk(String serviceName) {
    return sdks.computeIfAbsent(serviceName, name -> OpenTelemetrySdk.builder()
        .setTracerProvider(SdkTracerProvider.builder()
            .setResource(Resource.getDefault().merge(Resource.create(Attributes.of(
                AttributeKey.stringKey("service.name"), name))))
            // tens of thousands of spans in a run: a queue deep enough to drop none, written twice a second
            .addSpanProcessor(BatchSpanProcessor.builder(exporter)
                .setMaxQueueSize(1 << 17)
                .setMaxExportBatchSize(4096)
                .setScheduleDelay(Duration.ofMillis(500))
                .build())
            .build())
        .build());
  }

  /**
   * Gives the application its SDK as the {@code OpenTelemetry} bean; with {@code requestSpans}, also a server span
   * around each {@code POST /orders}.
   */
  void install(SpringApplication application, String serviceName, boolean requestSpans) {
    OpenTelemetrySdk sdk = sdk(serviceName);
    application.addInitializers(context -> {
      context.getBeanFactory().registerSingleton("openTelemetry", sdk);
      if (requestSpans) {
        context.getBeanFactory().registerSingleton("shopRequestSpans",
            new RequestSpans(sdk.getTracer("io.outboxkit.samples.shop")));
      }
    });
  }

  /** Writes every span ended so far to the file. */
  void flush() {
    List<CompletableResultCode> flushing = new ArrayList<>();
    sdks.values().forEach(sdk -> flushing.add(sdk.getSdkTracerProvider().forceFlush()));
    CompletableResultCode.ofAll(flushing).join(30, TimeUnit.SECONDS);
  }

  /**
   * Moves another process's spans (its traces file) into the traces file and deletes its file; a file that is
   * not there is skipped.
   */
  void adopt(Path otherFile) throws IOException {
    if (Files.exists(otherFile)) {
      exporter.append(otherFile);
      Files.delete(otherFile);
    }
  }

  /** Flushes and closes the file. */
  @Override
  public void close() {
    flush();
    sdks.values().forEach(sdk -> sdk.getSdkTracerProvider().shutdown().join(10, TimeUnit.SECONDS));
    exporter.close();
  }

  /** A SERVER span around each {@code POST /orders}, current while the order and its saga are stored. */
  private static final class RequestSpans implements Filter {

    private final Tracer tracer;

    RequestSpans(Tracer tracer) {
      this.tracer = tracer;
    }

    @Override
    public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
        throws IOException, ServletException {
      if (!(request instanceof HttpServletRequest http) || !"POST".equals(http.getMethod())
          || !"/orders".equals(http.getRequestURI())) {
        chain.doFilter(request, response);
        return;
      }
      Span span = tracer.spanBuilder(PLACE_ORDER).setSpanKind(SpanKind.SERVER)
          .setAttribute("http.request.method", "POST")
          .setAttribute("http.route", "/orders")
          .setAttribute("url.path", "/orders")
          .startSpan();
      try (Scope ignored = span.makeCurrent()) {
        chain.doFilter(request, response);
      } finally {
        if (response instanceof HttpServletResponse answer) {
          span.setAttribute("http.response.status_code", (long) answer.getStatus());
        }
        span.end();
      }
    }
  }
}
