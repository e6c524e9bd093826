package io.outboxkit.test;

/**
 * The test Kafka broker (KRaft, one node). Tests normally use {@link TestKafka}; this type is for tests
 * that stop, kill and restart the broker.
 */
public interface KafkaServer {

  /** The {@code bootstrap.servers} value; the same after a restart. */
  String bootstrapServers();

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
