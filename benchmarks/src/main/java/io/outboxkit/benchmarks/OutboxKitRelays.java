package io.outboxkit.benchmarks;

import io.outboxkit.core.OutboxReplication;
import io.outboxkit.core.TableName;
import io.outboxkit.core.WriteMode;
import io.outboxkit.relay.OutboxRelay;
import io.outboxkit.relay.RelayState;
import io.outboxkit.relay.RelayStatus;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.util.Collection;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * OutboxKit's relay ({@link OutboxRelay}) behind the harness's {@link MeasuredRelay}, with every setting at
 * the relay's defaults except the names the harness gives each run (slot, publication, topic prefix).
 */
final class OutboxKitRelays {

  private static final Logger log = LoggerFactory.getLogger(OutboxKitRelays.class);

  private OutboxKitRelays() {
  }

  /** Table mode: inserts into {@code public.outbox_event}. */
  static MeasuredRelay table() {
    return new Relay(false);
  }

  /** WAL-message mode: logical messages with OutboxKit's default prefix. */
  static MeasuredRelay walMessages() {
    return new Relay(true);
  }

  /**
   * Table mode with tracing on: the events carry a trace context and the relay makes a producer span per record,
   * handed to the OpenTelemetry SDK's batch span processor (its defaults) and an exporter that counts and drops
   * them, so the figure is the relay's own cost of tracing without a collector's network cost.
   */
  static MeasuredRelay tracedTable() {
    return new Relay(false, true);
  }

  private static final class Relay implements MeasuredRelay {

    private final boolean walMessages;
    private final boolean traced;
    private final AtomicLong spansExported = new AtomicLong();

    Relay(boolean walMessages) {
      this(walMessages, false);
    }

    Relay(boolean walMessages, boolean traced) {
      this.walMessages = walMessages;
      this.traced = traced;
    }

    @Override
    public String describe() {
      return "OutboxRelay with its defaults (its own Debezium and producer settings, offsets in PostgreSQL,"
          + " heartbeats, leader lock), " + (walMessages
              ? "WAL-message mode, prefix " + OutboxReplication.DEFAULT_WAL_MESSAGE_PREFIX
              : "table mode on public." + TableName.DEFAULT_OUTBOX_TABLE)
          + "; publication and slot created with prepareReplication() before the first event is written"
          + (traced ? "; tracing on: every event carries a trace context, a producer span per record goes to the"
              + " OpenTelemetry SDK's BatchSpanProcessor (defaults: queue 2,048, batches of 512) and an exporter"
              + " that drops it" : "");
    }

    @Override
    public void prepare(RelayTarget target) {
      try (OutboxRelay relay = builder(target).build()) {
        relay.prepareReplication();
      }
    }

    @Override
    public Running start(RelayTarget target) {
      OpenTelemetrySdk openTelemetry = traced ? OpenTelemetrySdk.builder()
          .setTracerProvider(SdkTracerProvider.builder()
              .addSpanProcessor(BatchSpanProcessor.builder(new DroppingExporter(spansExported)).build())
              .build())
          .build() : null;
      OutboxRelay.Builder configured = builder(target);
      if (openTelemetry != null) {
        configured.openTelemetry(openTelemetry);
      }
      OutboxRelay relay = configured.build();
      try {
        relay.start();
        awaitActive(relay);
      } catch (RuntimeException e) {
        relay.close();
        throw e;
      }
      return new Running() {
        @Override
        public @Nullable String failure() {
          RelayStatus status = relay.status();
          return status.state() == RelayState.FAILED || status.state() == RelayState.STOPPED
              ? "OutboxKit relay " + status.state() + ": " + status.reason() : null;
        }

        @Override
        public void close() {
          relay.close();
          if (openTelemetry != null) {
            openTelemetry.close();
            log.info("relay with tracing: {} producer spans reached the exporter", spansExported.get());
          }
        }
      };
    }

    private OutboxRelay.Builder builder(RelayTarget target) {
      OutboxRelay.Builder builder = OutboxRelay.builder()
          .database(target.host(), target.port(), target.database())
          .username(target.username())
          .password(target.password())
          .bootstrapServers(target.bootstrapServers())
          .topicPrefix(target.topicPrefix())
          .replicationSlot(target.replicationSlot())
          .publication(target.publication());
      // an experiment's knob (pass it with --relay-jvm-options): Debezium's poll.interval.ms other than the relay's
      Integer pollIntervalMs = Integer.getInteger("outboxkit.bench.relay.poll-interval-ms");
      if (pollIntervalMs != null) {
        builder.debeziumProperty("poll.interval.ms", pollIntervalMs.toString());
      }
      return builder.mode(walMessages ? WriteMode.WAL_MESSAGE : WriteMode.TABLE);
    }

    /** Counts the spans it is given and drops them. */
    private static final class DroppingExporter implements SpanExporter {

      private final AtomicLong count;

      DroppingExporter(AtomicLong count) {
        this.count = count;
      }

      @Override
      public CompletableResultCode export(Collection<SpanData> spans) {
        count.addAndGet(spans.size());
        return CompletableResultCode.ofSuccess();
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

    private static void awaitActive(OutboxRelay relay) {
      long deadline = System.nanoTime() + 120_000_000_000L;
      while (true) {
        RelayStatus status = relay.status();
        if (status.state() == RelayState.ACTIVE) {
          return;
        }
        if (status.state() == RelayState.FAILED || status.state() == RelayState.STOPPED) {
          throw new BenchmarkException("OutboxKit relay " + status.state() + ": " + status.reason());
        }
        if (System.nanoTime() > deadline) {
          throw new BenchmarkException("OutboxKit relay not active within 120 s; state " + status.state()
              + (status.reason() == null ? "" : ": " + status.reason()));
        }
        try {
          Thread.sleep(20);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new BenchmarkException("interrupted while the OutboxKit relay started", e);
        }
      }
    }
  }
}
