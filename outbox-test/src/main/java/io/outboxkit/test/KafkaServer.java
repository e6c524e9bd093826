package io.outboxkit.test;

import org.jspecify.annotations.Nullable;

/**
 * The test Kafka broker (KRaft, one node). Tests normally use {@link TestKafka}; this type is for tests
 * that stop, kill and restart the broker.
 */
public interface KafkaServer {

  /** The {@code bootstrap.servers} value; the same after a restart. */
  String bootstrapServers();

  /**
   * A second listener of the same broker that authenticates clients with SASL PLAIN, when this broker has
   * one (the embedded broker does); null otherwise.
   */
  default @Nullable SaslListener sasl() {
    return null;
  }

  /**
   * A listener that takes {@code security.protocol=SASL_PLAINTEXT}, {@code sasl.mechanism=PLAIN} and the
   * user {@code username} with {@code password}.
   */
  record SaslListener(String bootstrapServers, String username, String password) {

    static final String USERNAME = "outboxkit";
    static final String PASSWORD = "outboxkit-secret";

    /** The {@code sasl.jaas.config} value for {@code username} and {@code password}. */
    public String jaasConfig() {
      return jaasConfig(password);
    }

    /** The {@code sasl.jaas.config} value for {@code username} and another password. */
    public String jaasConfig(String password) {
      return "org.apache.kafka.common.security.plain.PlainLoginModule required username=\"" + username
          + "\" password=\"" + password + "\";";
    }
  }

  /** Whether {@link #stop()}, {@link #kill()}, {@link #start()} and {@link #restart()} are supported. */
  boolean canRestart();

  /**
   * Stops the broker gracefully and waits until it is gone.
   *
   * @throws UnsupportedOperationException if {@link #canRestart()} is false; the message says why
   */
  void stop();

  /** Kills the broker without warning (SIGKILL) and waits until it is gone. */
  void kill();

  /** Starts the stopped broker again on the same port with the same data and waits until it serves. */
  void start();

  /** {@link #stop()} then {@link #start()}. */
  default void restart() {
    stop();
    start();
  }
}
