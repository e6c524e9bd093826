package io.outboxkit.spring.relay;

import io.outboxkit.core.OutboxConfigurationException;
import io.outboxkit.core.internal.Secrets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Settings of the {@link io.outboxkit.relay.OutboxRelay}, bound from {@code outbox.relay.*}; the same keys
 * configure the relay embedded in an application and the standalone relay server. The outbox table, the mode,
 * the publication and the replication slot the relay shares with the writer are under {@code outbox.*}
 * ({@link io.outboxkit.spring.OutboxProperties}). {@link #toString()} shows the password, the secrets of the JDBC
 * URL and every secret producer or Debezium property ({@link Secrets}: names with password, secret, jaas,
 * token, credential, ..., or ending in key) as {@value Secrets#MASK}.
 *
 * @param enabled Whether to run the relay in this application. Off by default in applications (run the relay
 *     server instead, or enable it in one or more services: with high availability on, one instance per slot
 *     is active and the others stand by)
 * @param autoStartup Whether the relay starts with the application context (and stops with it)
 * @param jdbcUrl The database to stream from, jdbc:postgresql://host[:port]/database[?parameters];
 *     defaults to the application's DataSource URL (spring.datasource.url)
 * @param username The database user, which needs the REPLICATION attribute and, for the first start, the
 *     right to create the publication and the relay's tables; defaults to the application's DataSource user
 * @param password The database user's password; defaults to the application's DataSource password
 * @param bootstrapServers The Kafka brokers, as host:port pairs; defaults to spring.kafka.bootstrap-servers
 *     (from the producer settings) when Spring Boot's Kafka support is present
 * @param schema The schema of the relay's own tables (its stored position and heartbeats); defaults to the
 *     outbox table's schema
 * @param topicPrefix The prefix of every event topic: an event of aggregate type order goes to
 *     the topic prefix followed by order; may be empty
 * @param deadLetterTopic The topic for events the relay cannot publish (too large, invalid topic name,
 *     unreadable); defaults to outboxkit.relay.dlq, outside the default topic prefix
 * @param heartbeatInterval How often the relay writes a heartbeat, so that the replication slot advances and
 *     PostgreSQL can recycle WAL while the outbox is quiet, and so that a stream that stops delivering is
 *     seen; 0 turns heartbeats off
 * @param stallTimeout How long a heartbeat may take to come back through the relay's stream while no batch
 *     is acknowledged either before the relay reports STALLED (health DOWN); at least 1s
 * @param offsetFlushInterval How often the relay stores its position (of acknowledged records only); after a
 *     crash, events acknowledged within the last interval are sent again
 * @param highAvailability Whether instances sharing a replication slot elect one active relay with a
 *     PostgreSQL advisory lock, the others standing by; turn it off only when something else guarantees a
 *     single instance
 * @param producerProperties Kafka producer properties applied over the relay's defaults (acks=all and
 *     idempotence cannot be weakened), for example security.protocol or linger.ms
 * @param debeziumProperties Debezium connector or engine properties applied over the relay's defaults, for
 *     example max.batch.size or poll.interval.ms
 */
@ConfigurationProperties("outbox.relay")
public record OutboxRelayProperties(
    @DefaultValue("false") boolean enabled,
    @DefaultValue("true") boolean autoStartup,
    @Nullable String jdbcUrl,
    @Nullable String username,
    @Nullable String password,
    @Nullable List<String> bootstrapServers,
    @Nullable String schema,
    @DefaultValue("outbox.event.") String topicPrefix,
    @Nullable String deadLetterTopic,
    @DefaultValue("10s") Duration heartbeatInterval,
    @DefaultValue("30s") Duration stallTimeout,
    @DefaultValue("1s") Duration offsetFlushInterval,
    @DefaultValue("true") boolean highAvailability,
    @DefaultValue Map<String, String> producerProperties,
    @DefaultValue Map<String, String> debeziumProperties) {

  /**
   * Validates the durations here, where binding names the property, its value and where it was set; the relay's
   * builder checks the same rules for applications that build the relay themselves.
   */
  public OutboxRelayProperties {
    if (heartbeatInterval.isNegative() || !heartbeatInterval.isZero() && heartbeatInterval.toMillis() < 100) {
      throw new OutboxConfigurationException("outbox.relay.heartbeat-interval is " + heartbeatInterval
          + ": set 100ms or more, or 0 to turn heartbeats off");
    }
    if (stallTimeout.toMillis() < 1000) {
      throw new OutboxConfigurationException("outbox.relay.stall-timeout is " + stallTimeout + ": set 1s or more");
    }
    if (offsetFlushInterval.isNegative()) {
      throw new OutboxConfigurationException("outbox.relay.offset-flush-interval is " + offsetFlushInterval
          + ": set 0 or a positive duration");
    }
  }

  /** All settings, with the password and every secret masked. */
  @Override
  public String toString() {
    return "OutboxRelayProperties[enabled=" + enabled + ", autoStartup=" + autoStartup
        + ", jdbcUrl=" + Secrets.maskedUrl(jdbcUrl) + ", username=" + username
        + ", password=" + (password == null ? null : Secrets.MASK) + ", bootstrapServers=" + bootstrapServers
        + ", schema=" + schema + ", topicPrefix=" + topicPrefix + ", deadLetterTopic=" + deadLetterTopic
        + ", heartbeatInterval=" + heartbeatInterval + ", stallTimeout=" + stallTimeout
        + ", offsetFlushInterval=" + offsetFlushInterval + ", highAvailability=" + highAvailability
        + ", producerProperties=" + Secrets.masked(producerProperties)
        + ", debeziumProperties=" + Secrets.masked(debeziumProperties) + "]";
  }
}
