package io.outboxkit.fault;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.outboxkit.inbox.Inbox;
import io.outboxkit.inbox.kafka.InboxHandler;
import io.outboxkit.inbox.kafka.InboxKafkaRunner;
import java.time.Duration;
import java.util.Map;

/** How the billing service's consumers are set up, the same in the test JVM and in consumer processes. */
final class BillingConsumers {

  private BillingConsumers() {
  }

  /**
   * A small pool, as a service would use. It does not fail when the database is down at its creation: the
   * runner must ride through that like through any other outage.
   */
  static HikariDataSource pool(String jdbcUrl, String user, String password, String name) {
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl(jdbcUrl);
    config.setUsername(user);
    config.setPassword(password);
    config.setMaximumPoolSize(3);
    config.setMinimumIdle(1);
    config.setConnectionTimeout(5_000);
    config.setValidationTimeout(2_000);
    config.setInitializationFailTimeout(-1);
    config.setPoolName(name);
    return new HikariDataSource(config);
  }

  /**
   * A runner of the billing consumer group: per-record transactions through the inbox, a short backoff (so
   * that recovery times measure the pipeline, not a 30 s retry delay), dead letters on {@code <topic>.dlq}.
   */
  static InboxKafkaRunner.Builder runner(HikariDataSource pool, String bootstrapServers, String topic, String group,
      String instance, InboxHandler handler) {
    return InboxKafkaRunner.builder(Inbox.builder(pool).build())
        .consumerProperties(Map.of(
            "bootstrap.servers", bootstrapServers,
            "group.id", group,
            "client.id", instance,
            "session.timeout.ms", "6000",
            "heartbeat.interval.ms", "1000"))
        .topics(topic)
        .consumerName(group)
        .handler(handler)
        .maxAttempts(3)
        .backoff(Duration.ofMillis(200), Duration.ofSeconds(2))
        .shutdownTimeout(Duration.ofSeconds(60));
  }
}
