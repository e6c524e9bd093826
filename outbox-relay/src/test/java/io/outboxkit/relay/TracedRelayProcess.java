package io.outboxkit.relay;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import io.outboxkit.core.WriteMode;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CountDownLatch;

/**
 * A traced relay in a JVM of its own, so that the trace context reaches it only through the database and
 * leaves it only through Kafka. Its spans are appended to a file, one line each ({@link TracePipelineIT.SpanView}
 * fields, tab-separated). {@link #main} runs until the process is ended; {@link #launch} starts one with the
 * test's class path.
 */
final class TracedRelayProcess {

  static final String READY_LINE = "TRACED-RELAY-READY";

  private TracedRelayProcess() {
  }

  /** Arguments: host port database user password slot topicPrefix mode bootstrapServers spanFile. */
  public static void main(String[] args) throws Exception {
    Path spanFile = Path.of(args[9]);
    OpenTelemetrySdk otel = OpenTelemetrySdk.builder()
        .setTracerProvider(SdkTracerProvider.builder()
            .addSpanProcessor(SimpleSpanProcessor.create(new FileExporter(spanFile))).build())
        .build();
    OutboxRelay relay = OutboxRelay.builder()
        .database(args[0], Integer.parseInt(args[1]), args[2])
        .username(args[3]).password(args[4])
        .replicationSlot(args[5])
        .topicPrefix(args[6])
        .mode(WriteMode.valueOf(args[7]))
        .bootstrapServers(args[8])
        .openTelemetry(otel)
        .build();
    relay.start();
    RelayFixture.awaitActive(relay);
    System.out.println(READY_LINE);
    System.out.flush();
    new CountDownLatch(1).await(); // until ended
  }

  static Process launch(Path log, String... args) throws IOException {
    String java = System.getProperty("java.home") + File.separator + "bin" + File.separator + "java";
    List<String> command = new java.util.ArrayList<>(List.of(java, "-Xmx256m", "-cp",
        System.getProperty("java.class.path"), TracedRelayProcess.class.getName()));
    command.addAll(List.of(args));
    return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
  }

  static boolean isReady(Path log) throws IOException {
    return Files.exists(log) && Files.readString(log).contains(READY_LINE);
  }

  /** Appends each ended span as one line. */
  private static final class FileExporter implements SpanExporter {

    private final Path file;

    FileExporter(Path file) {
      this.file = file;
    }

    @Override
    public synchronized CompletableResultCode export(Collection<SpanData> spans) {
      StringBuilder lines = new StringBuilder();
      for (SpanData span : spans) {
        lines.append(String.join("\t", span.getName(), span.getKind().name(), span.getTraceId(), span.getSpanId(),
            span.getParentSpanId(), String.valueOf(span.getAttributes().get(AttributeKey.stringKey(
                "outboxkit.inbox.outcome"))), String.valueOf(span.getAttributes().get(AttributeKey.stringKey(
                    "messaging.message.id"))))).append('\n');
      }
      try {
        Files.writeString(file, lines, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        return CompletableResultCode.ofSuccess();
      } catch (IOException e) {
        return CompletableResultCode.ofFailure();
      }
    }

    @Override
    public CompletableResultCode flush() {
      return CompletableResultCode.ofSuccess();
    }

    @Override
    public CompletableResultCode shutdown() {
      return CompletableResultCode.ofSuccess();
    }
  }
}
