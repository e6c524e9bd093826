package io.outboxkit.relay.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpServer;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.outboxkit.core.OutboxEvent;
import io.outboxkit.test.OutboxIntegrationTest;
import io.outboxkit.test.TestDatabase;
import io.outboxkit.test.TestKafka;
import io.outboxkit.writer.OutboxSchema;
import io.outboxkit.writer.OutboxWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The built jar as a process of its own, against the test PostgreSQL and Kafka: it relays, shuts down
 * gracefully on SIGTERM without losing anything, two instances elect one active relay and the standby takes
 * over when the active one stops, its producer spans reach an OTLP endpoint in the writer's trace, and a
 * configuration it cannot use ends it with a short report.
 */
@OutboxIntegrationTest
class OutboxRelayServerIT {

  private static final Logger log = LoggerFactory.getLogger(OutboxRelayServerIT.class);
  private static final Duration WAIT = Duration.ofSeconds(120);

  @Test
  void relaysShutsDownGracefullyOnSigtermAndHandsOverToAStandby(TestDatabase db, TestKafka kafka)
      throws Exception {
    OutboxSchema.builder().build().install(db.dataSource()); // table, publication and slot, before any event
    String prefix = kafka.newTopic("server") + ".";
    String topic = prefix + "order";
    OutboxWriter writer = OutboxWriter.builder(db.dataSource()).build();
    List<String> arguments = relayArguments(db, kafka, prefix);

    List<UUID> written = new ArrayList<>(write(db, writer, 100)); // written before the relay ever ran
    RelayServerProcess first = RelayServerProcess.start("first", arguments);
    try {
      awaitState(first, "ACTIVE");
      assertThat(ids(kafka.readRecords(topic, 100, WAIT))).containsAll(written);
      assertThat(first.prometheus()).contains("outboxkit_relay_events_total", "outboxkit_relay_slot_lag_bytes");

      // more events while the relay runs; SIGTERM once some of them are on their way
      CompletableFuture<List<UUID>> writing = CompletableFuture.supplyAsync(() -> write(db, writer, 200));
      kafka.readRecords(topic, 110, WAIT);
      int exit = first.terminate(WAIT);
      written.addAll(writing.get());
      log.info("relay server exited with status {} after SIGTERM", exit);
      assertThat(exit).as("exit status after SIGTERM (128 + 15, the JVM's status once its shutdown hooks ran)")
          .isEqualTo(143);
      assertThat(first.output()).contains("relay for slot outboxkit stopped");
      assertQuietStart(first.output());
      assertThat(storedPositions(db)).as("the relay's stored position").isPositive();
    } finally {
      first.close();
    }

    // two instances on the same slot: one streams, the other stands by, and nothing written was lost
    RelayServerProcess second = RelayServerProcess.start("second", arguments);
    RelayServerProcess third = RelayServerProcess.start("third", arguments);
    try {
      await().atMost(WAIT).pollInterval(Duration.ofSeconds(1)).until(() ->
          new HashSet<>(Arrays.asList(second.relayState(), third.relayState())).equals(Set.of("ACTIVE", "STANDBY")));
      // duplicates may arrive too, so wait for the ids rather than for a count
      List<ConsumerRecord<byte[], byte[]>> records = kafka.readRecordsUntil(topic,
          all -> deliveries(all).keySet().containsAll(written), WAIT);
      Map<UUID, Integer> deliveries = deliveries(records);
      assertThat(deliveries.keySet()).containsAll(written);
      for (UUID early : written.subList(0, 100)) {
        assertThat(deliveries.get(early)).as("deliveries of %s, acknowledged before the SIGTERM", early).isOne();
      }
      log.info("{} events written, {} records relayed ({} delivered more than once, in flight at the SIGTERM)",
          written.size(), records.size(), deliveries.values().stream().filter(n -> n > 1).count());
      RelayServerProcess active = "ACTIVE".equals(second.relayState()) ? second : third;
      RelayServerProcess standby = active == second ? third : second;
      assertThat(standby.health().path("status").asText()).as("overall health of the standby").isEqualTo("UP");

      // the standby takes over when the active instance stops
      assertThat(active.terminate(WAIT)).isEqualTo(143);
      awaitState(standby, "ACTIVE");
      List<UUID> afterTakeOver = write(db, writer, 10);
      assertThat(ids(kafka.readRecordsUntil(topic, all -> ids(all).containsAll(afterTakeOver), WAIT)))
          .containsAll(afterTakeOver);
    } finally {
      second.terminate(WAIT);
      third.terminate(WAIT);
    }
  }

  @Test
  void aMissingSettingEndsTheProcessWithAShortReport() throws Exception {
    try (RelayServerProcess server = RelayServerProcess.start("no-database", List.of(
        "--outbox.relay.bootstrap-servers=127.0.0.1:9"))) {
      assertThat(server.awaitExit(WAIT)).isEqualTo(1);
      assertThat(server.output()).contains("APPLICATION FAILED TO START")
          .contains("outbox.relay.jdbc-url is not set")
          .doesNotContain("\tat ");
    }
  }

  @Test
  void aDatabaseWithoutOutboxTableEndsTheProcessWithAShortReport(TestDatabase db, TestKafka kafka)
      throws Exception {
    try (RelayServerProcess server = RelayServerProcess.start("no-table",
        relayArguments(db, kafka, kafka.newTopic("server") + "."))) {
      assertThat(server.awaitExit(WAIT)).isEqualTo(1);
      assertThat(server.output()).contains("APPLICATION FAILED TO START")
          .contains("outbox table public.outbox_event does not exist")
          .doesNotContain("\tat ");
    }
  }

  // ---- helpers -------------------------------------------------------------------------------------

  /**
   * A relay's start and stop read as a few lines saying what the relay does: no configuration dumps of Debezium,
   * Kafka Connect or the producer, no Debezium engine chatter or type-registry warnings, no hint to set what the
   * relay does itself, no list of Kafka's metrics reporters.
   */
  @Test
  void theRelaysProducerSpansGoToTheOtlpEndpointInTheWritersTrace(TestDatabase db, TestKafka kafka) throws Exception {
    OutboxSchema.builder().replicationSlot(db.name()).build().install(db.dataSource());
    String prefix = kafka.newTopic("traced") + ".";
    List<byte[]> exports = new CopyOnWriteArrayList<>();
    HttpServer collector = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    collector.createContext("/v1/traces", exchange -> {
      exports.add(exchange.getRequestBody().readAllBytes());
      exchange.sendResponseHeaders(200, -1);
      exchange.close();
    });
    collector.start();
    List<String> arguments = new ArrayList<>(relayArguments(db, kafka, prefix));
    arguments.add("--outbox.replication-slot=" + db.name());
    arguments.add("--management.opentelemetry.tracing.export.otlp.endpoint=http://127.0.0.1:"
        + collector.getAddress().getPort() + "/v1/traces");
    arguments.add("--management.opentelemetry.tracing.export.schedule-delay=200ms");
    // the request that wrote the event: a sampled span of some other service
    String traceId = "4bf92f3577b34da6a3ce929d0e0e4736";
    SpanContext request = SpanContext.create(traceId, "00f067aa0ba902b7", TraceFlags.getSampled(),
        TraceState.getDefault());
    OutboxWriter writer = OutboxWriter.builder(db.dataSource()).build();
    try (Scope ignored = Context.root().with(Span.wrap(request)).makeCurrent()) {
      write(db, writer, 1);
    }
    try (RelayServerProcess server = RelayServerProcess.start("traced", arguments)) {
      awaitState(server, "ACTIVE");
      List<ConsumerRecord<byte[], byte[]>> records = kafka.readRecords(prefix + "order", 1, WAIT);
      String traceparent = new String(records.get(0).headers().lastHeader("traceparent").value(),
          StandardCharsets.UTF_8);
      assertThat(traceparent).as("the record's parent is the relay's span, in the writer's trace")
          .startsWith("00-" + traceId + "-").doesNotContain("00f067aa0ba902b7");
      byte[] spanName = ("send " + prefix + "order").getBytes(StandardCharsets.UTF_8);
      byte[] traceIdBytes = HexFormat.of().parseHex(traceId);
      await("the relay's producer span at the OTLP endpoint").atMost(WAIT).pollInterval(Duration.ofMillis(200))
          .until(() -> exports.stream().anyMatch(body -> contains(body, spanName) && contains(body, traceIdBytes)
              && contains(body, HexFormat.of().parseHex(traceparent.substring(36, 52)))));
      assertQuietStart(server.output());
    } finally {
      collector.stop(0);
    }
  }

  private static boolean contains(byte[] haystack, byte[] needle) {
    outer:
    for (int i = 0; i + needle.length <= haystack.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (haystack[i + j] != needle[j]) {
          continue outer;
        }
      }
      return true;
    }
    return false;
  }

  private static void assertQuietStart(String output) {
    List<String> lines = output.lines().toList();
    int starting = indexOf(lines, "relay starting:");
    int active = indexOf(lines, " is ACTIVE: streaming");
    log.info("relay server log: {} lines from 'relay starting' to ACTIVE, {} lines from the process start to its end",
        active - starting + 1, lines.size());
    assertThat(active - starting + 1).as("lines from 'relay starting' to ACTIVE:%n%s",
        String.join("\n", lines.subList(starting, active + 1))).isLessThan(15);
    assertThat(output).doesNotContain("is already mapped", "Config values:", "heartbeat.action.query",
        "Engine state has changed", "Kafka version:", "Closing reporter");
  }

  private static int indexOf(List<String> lines, String text) {
    for (int i = 0; i < lines.size(); i++) {
      if (lines.get(i).contains(text)) {
        return i;
      }
    }
    throw new AssertionError("no line contains '" + text + "':\n" + String.join("\n", lines));
  }

  private static List<String> relayArguments(TestDatabase db, TestKafka kafka, String topicPrefix) {
    return List.of("--outbox.relay.jdbc-url=" + db.jdbcUrl(), "--outbox.relay.username=" + db.username(),
        "--outbox.relay.password=" + db.password(), "--outbox.relay.bootstrap-servers=" + kafka.bootstrapServers(),
        "--outbox.relay.topic-prefix=" + topicPrefix);
  }

  private static void awaitState(RelayServerProcess server, String state) {
    await().atMost(WAIT).pollInterval(Duration.ofSeconds(1)).until(() -> {
      if (!server.isAlive()) {
        throw new AssertionError(server + " exited:\n" + server.output());
      }
      return state.equals(server.relayState());
    });
  }

  /** Writes {@code count} events, ten per transaction. */
  private static List<UUID> write(TestDatabase db, OutboxWriter writer, int count) {
    List<UUID> ids = new ArrayList<>();
    try (Connection connection = db.openConnection()) {
      connection.setAutoCommit(false);
      for (int i = 0; i < count; i += 10) {
        List<OutboxEvent> events = new ArrayList<>();
        for (int j = i; j < Math.min(count, i + 10); j++) {
          events.add(OutboxEvent.of("order", "order-" + (j % 7), "OrderPlaced", Map.of("line", j)));
        }
        ids.addAll(writer.publishAll(connection, events));
        connection.commit();
      }
    } catch (java.sql.SQLException e) {
      throw new IllegalStateException(e);
    }
    return ids;
  }

  private static int storedPositions(TestDatabase db) throws Exception {
    try (Connection connection = db.openConnection(); Statement statement = connection.createStatement();
         ResultSet rs = statement.executeQuery("SELECT count(*) FROM outboxkit_relay_offset")) {
      rs.next();
      return rs.getInt(1);
    }
  }

  private static Set<UUID> ids(List<ConsumerRecord<byte[], byte[]>> records) {
    return new HashSet<>(deliveries(records).keySet());
  }

  private static Map<UUID, Integer> deliveries(List<ConsumerRecord<byte[], byte[]>> records) {
    Map<UUID, Integer> deliveries = new HashMap<>();
    for (ConsumerRecord<byte[], byte[]> record : records) {
      Header id = record.headers().lastHeader("id");
      deliveries.merge(UUID.fromString(new String(id.value(), StandardCharsets.UTF_8)), 1, Integer::sum);
    }
    return deliveries;
  }
}
