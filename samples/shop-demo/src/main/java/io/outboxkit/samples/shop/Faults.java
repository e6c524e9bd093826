package io.outboxkit.samples.shop;

import io.outboxkit.core.OutboxHeaders;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;

/** The faults the demo injects while orders are being placed. */
final class Faults {

  private Faults() {
  }

  /** Copies of consumed records that were published again, by topic and event type. */
  record Redelivery(int copies, Map<String, Map<String, Integer>> byTopicAndType) {

    static Redelivery none() {
      return new Redelivery(0, Map.of());
    }

    /** Copies of the given event types among the given topics. */
    int copiesOf(Collection<String> topics, Set<String> eventTypes) {
      int copies = 0;
      for (String topic : topics) {
        for (Map.Entry<String, Integer> type : byTopicAndType.getOrDefault(topic, Map.of()).entrySet()) {
          if (eventTypes.contains(type.getKey())) {
            copies += type.getValue();
          }
        }
      }
      return copies;
    }

    /** Copies published to the topic. */
    int copiesIn(String topic) {
      return byTopicAndType.getOrDefault(topic, Map.of()).values().stream().mapToInt(Integer::intValue).sum();
    }

    /** Copies by event type. */
    Map<String, Integer> byEventType() {
      Map<String, Integer> byType = new TreeMap<>();
      byTopicAndType.values().forEach(types -> types.forEach((type, count) -> byType.merge(type, count, Integer::sum)));
      return byType;
    }
  }

  /**
   * Stops a service's relay, leaves it down while the service keeps writing events, and starts it again. The
   * events committed meanwhile wait in the replication slot; records sent but not yet committed as the
   * relay's position are sent again (at least once).
   *
   * @return seconds the relay was down, start to ACTIVE included
   */
  static double restartRelay(Shop shop, ShopService service, Duration down, Console console, int ordersPlaced) {
    long started = System.nanoTime();
    console.step("fault: stopping %s's relay (%d orders placed)", service.serviceName(), ordersPlaced);
    shop.stopRelay(service);
    Shop.pause(down.toMillis());
    shop.startRelay(service);
    double seconds = (System.nanoTime() - started) / 1e9;
    console.step("fault: %s's relay ACTIVE again after %.1f s down; it resumes from its stored position",
        service.serviceName(), seconds);
    return seconds;
  }

  /**
   * Holds a participant's replies back for longer than the saga's step timeout and its resends: its relay is
   * stopped while the participant goes on taking commands, applying them and writing its replies to its
   * outbox. The orchestrator's timeouts fire, it sends the commands again, and the sagas whose three sends all
   * went unanswered compensate (the charge that was in fact applied is refunded). When the relay is back, the
   * held replies reach the orchestrator late, after the timeout decided: it records them as ignored.
   */
  static void holdReplies(Shop shop, ShopService service, Duration held, Console console, int ordersPlaced) {
    console.step("fault: holding %s's replies back for %d s (its relay stopped; %d orders placed)",
        service.serviceName(), held.toSeconds(), ordersPlaced);
    long started = System.nanoTime();
    shop.stopRelay(service);
    // the relay takes a while to start on a busy machine: start it that much earlier, as it took last time
    Shop.pause(Math.max(held.toMillis() / 2, held.toMillis() - shop.lastRelayStart(service).toMillis()));
    shop.startRelay(service);
    console.step("fault: %s's replies flow again after %.1f s; those of sagas already compensating arrive late",
        service.serviceName(), (System.nanoTime() - started) / 1e9);
  }

  /**
   * Stops a participant (its saga command consumer) for longer than the saga's step timeout, then starts it
   * again: the orchestrator's timeouts fire and it sends the commands again; when the participant is back it
   * takes the first sends and the resends (its barrier applies each command once), and the sagas finish, or
   * compensate those whose attempts ran out. {@code meanwhile} runs {@code after} into the window (the
   * participant stays stopped at least {@code down}, longer if {@code meanwhile} takes longer).
   */
  static void stopParticipant(Shop shop, ShopService service, Duration down, Console console, int ordersPlaced,
      Duration after, Runnable meanwhile) {
    console.step("fault: stopping %s's saga commands for %d s, longer than the step timeout (%d orders placed)",
        service.serviceName(), down.toSeconds(), ordersPlaced);
    long started = System.nanoTime();
    shop.stopParticipant(service);
    Shop.pause(after.toMillis());
    meanwhile.run();
    long left = down.toMillis() - (System.nanoTime() - started) / 1_000_000;
    if (left > 0) {
      Shop.pause(left);
    }
    shop.startParticipant(service);
    console.step("fault: %s takes saga commands again after %.1f s", service.serviceName(),
        (System.nanoTime() - started) / 1e9);
  }

  /**
   * The orchestrator killed once: the order database's clock when it was dead and when its successor was
   * launched, what its inbox held then (the successor's meters count from zero), and the seconds from the kill
   * to the successor's consumers running.
   */
  record OrchestratorKill(Timestamp deadFrom, Timestamp deadUntil, long inboxRowsAtRestart, double secondsDown) {
  }

  /**
   * Kills the order service's orchestrator process with SIGKILL while orders keep coming, leaves it dead for
   * {@code down}, and starts a new one. Meanwhile the order service goes on starting sagas, and the replies and
   * the step deadlines wait: the new process resumes from the reply group's committed offsets (replies whose
   * transaction had committed come again and the inbox absorbs them) and its scanner takes the sagas whose
   * deadline passed.
   */
  static OrchestratorKill killOrchestrator(Shop shop, Duration down, Console console, int ordersPlaced) {
    OrchestratorProcess killed = shop.orchestrator();
    console.step("fault: killing order-service's saga orchestrator with SIGKILL (pid %d; %d orders placed)",
        killed.pid(), ordersPlaced);
    long started = System.nanoTime();
    killed.kill();
    if (killed.isAlive()) {
      throw new IllegalStateException("the orchestrator process " + killed.pid() + " is still alive after SIGKILL");
    }
    try (Connection connection = shop.database(ShopService.ORDER).dataSource().getConnection()) {
      Timestamp deadFrom = now(connection);
      Shop.pause(down.toMillis());
      long inboxRows = Audit.inboxRows(shop.database(ShopService.ORDER).dataSource(),
          ShopService.ORDER.serviceName());
      Timestamp deadUntil = now(connection);
      shop.launchOrchestrator();
      shop.awaitOrchestrator();
      double seconds = (System.nanoTime() - started) / 1e9;
      console.step("fault: a new orchestrator process runs (pid %d) %.1f s after the kill; it resumes from the "
          + "saga rows and the replies' committed offsets", shop.orchestrator().pid(), seconds);
      return new OrchestratorKill(deadFrom, deadUntil, inboxRows, seconds);
    } catch (SQLException e) {
      throw new IllegalStateException("cannot read the order database around the orchestrator's kill: "
          + e.getMessage(), e);
    }
  }

  private static Timestamp now(Connection connection) throws SQLException {
    try (Statement statement = connection.createStatement();
         ResultSet rs = statement.executeQuery("SELECT clock_timestamp()")) {
      rs.next();
      return rs.getTimestamp(1);
    }
  }

  /**
   * Publishes again copies of up to {@code perTopic} records of each event topic that all its consumers have
   * consumed already: same key, value and headers (the same event id), as a broker or a relay would
   * redeliver them. The inbox of each consumer must absorb them.
   */
  static Redelivery redeliver(Shop shop, int perTopic, Console console) {
    Map<String, Map<String, Integer>> byTopicAndType = new TreeMap<>();
    int copies = 0;
    try (ShopKafka kafka = new ShopKafka(shop.kafkaProperties())) {
      for (String topic : ShopService.topics(shop.flow())) {
        List<String> groups = new ArrayList<>();
        for (ShopService consumer : ShopService.values()) {
          if (consumer.consumedTopics(shop.flow()).contains(topic)) {
            groups.add(consumer.serviceName());
          }
        }
        if (groups.isEmpty()) {
          continue; // nobody consumes it (the order service's own events)
        }
        List<ConsumerRecord<byte[], byte[]>> records = kafka.readConsumed(topic, groups, perTopic);
        kafka.produceCopies(records);
        copies += records.size();
        Map<String, Integer> byType = new TreeMap<>();
        for (ConsumerRecord<byte[], byte[]> record : records) {
          byType.merge(eventType(record), 1, Integer::sum);
        }
        byTopicAndType.put(topic, byType);
      }
    }
    Redelivery redelivery = new Redelivery(copies, byTopicAndType);
    console.step("fault: published %d copies of already consumed records again (same event ids): %s", copies,
        redelivery.byEventType());
    return redelivery;
  }

  static String eventType(ConsumerRecord<?, ?> record) {
    Header header = record.headers().lastHeader(OutboxHeaders.EVENT_TYPE);
    return header == null || header.value() == null ? "" : new String(header.value(), StandardCharsets.UTF_8);
  }

  static String eventId(ConsumerRecord<?, ?> record) {
    Header header = record.headers().lastHeader(OutboxHeaders.ID);
    return header == null || header.value() == null ? "" : new String(header.value(), StandardCharsets.UTF_8);
  }
}
