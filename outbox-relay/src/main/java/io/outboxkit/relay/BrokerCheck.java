package io.outboxkit.relay;

import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.AuthorizationException;
import org.jspecify.annotations.Nullable;

/**
 * Asks the brokers for their cluster every few seconds, with the relay's own connection settings, so that
 * an unreachable or refusing broker shows in the relay's status even while there is nothing to send. Never
 * blocks: a check is started on one monitor tick and read on a later one. Used by the monitor thread only.
 */
final class BrokerCheck implements AutoCloseable {

  static final Duration INTERVAL = Duration.ofSeconds(5);
  static final Duration TIMEOUT = Duration.ofSeconds(10);

  private final RelaySettings settings;
  private @Nullable Admin admin;
  private @Nullable KafkaFuture<Collection<Node>> pending;
  private long startedNanos;
  private long lastAnswerNanos = System.nanoTime();
  private volatile @Nullable String problem;

  BrokerCheck(RelaySettings settings) {
    this.settings = settings;
  }

  /** The admin client's configuration: the relay's producer settings that an admin client knows. */
  static Map<String, Object> adminConfig(RelaySettings settings) {
    Set<String> known = AdminClientConfig.configNames();
    Map<String, Object> config = new HashMap<>();
    KafkaPublisher.producerConfig(settings).forEach((name, value) -> {
      if (known.contains(name)) {
        config.put(name, value);
      }
    });
    config.put(AdminClientConfig.CLIENT_ID_CONFIG, "outboxkit-relay-" + settings.replicationSlot() + "-check");
    config.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) TIMEOUT.toMillis());
    config.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) TIMEOUT.toMillis());
    config.put(AdminClientConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, 1000);
    return config;
  }

  /** Reads a finished check and starts the next one when due. */
  void tick() {
    long now = System.nanoTime();
    KafkaFuture<Collection<Node>> current = pending;
    if (current != null) {
      if (current.isDone()) {
        pending = null;
        try {
          current.get();
          lastAnswerNanos = now;
          problem = null;
        } catch (ExecutionException e) {
          problem = describe(e.getCause() == null ? e : e.getCause());
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      } else if (now - startedNanos > TIMEOUT.toNanos() + INTERVAL.toNanos()) {
        problem = "no answer for " + (now - lastAnswerNanos) / 1_000_000_000 + " s";
      }
      return;
    }
    if (now - startedNanos < INTERVAL.toNanos()) {
      return;
    }
    try {
      if (admin == null) {
        admin = Admin.create(adminConfig(settings));
      }
      startedNanos = now;
      pending = admin.describeCluster(new DescribeClusterOptions().timeoutMs((int) TIMEOUT.toMillis())).nodes();
    } catch (RuntimeException e) {
      problem = describe(e);
    }
  }

  /** Why the brokers cannot be used, as of the last check; null when they answered. */
  @Nullable String problem() {
    String current = problem;
    return current == null ? null : "the Kafka brokers at " + settings.bootstrapServers() + " cannot be used: "
        + current;
  }

  private static String describe(Throwable failure) {
    String text = failure.getClass().getSimpleName() + ": " + failure.getMessage();
    if (failure instanceof AuthenticationException) {
      return text + " (check the producer properties security.protocol, sasl.mechanism and sasl.jaas.config, "
          + "or ssl.*)";
    }
    if (failure instanceof AuthorizationException) {
      return text + " (grant the relay's user DESCRIBE on the cluster)";
    }
    return text + " (check bootstrapServers, the network, and that the brokers run)";
  }

  /** Closes the admin client without waiting for the brokers. */
  @Override
  public void close() {
    Admin current = admin;
    admin = null;
    pending = null;
    problem = null;
    if (current != null) {
      current.close(Duration.ZERO);
    }
  }
}
