package io.outboxkit.test;

import java.util.function.Function;

/**
 * Servers the tests did not start and cannot stop (an external provider's, a container's): stopping,
 * killing or starting one throws the provider's explanation.
 */
final class UnmanagedServers {

  private UnmanagedServers() {
  }

  /** A Kafka server that cannot be restarted; subclasses give its address. */
  abstract static class Kafka implements KafkaServer {

    private final Function<String, UnsupportedOperationException> refusal;

    /** Refuses stopping and starting with the exception {@code refusal} makes for the server's kind. */
    Kafka(Function<String, UnsupportedOperationException> refusal) {
      this.refusal = refusal;
    }

    @Override
    public boolean canRestart() {
      return false;
    }

    @Override
    public void stop() {
      throw refusal.apply("Kafka");
    }

    @Override
    public void kill() {
      throw refusal.apply("Kafka");
    }

    @Override
    public void start() {
      throw refusal.apply("Kafka");
    }
  }

  /** A PostgreSQL server that cannot be restarted; subclasses give its address and credentials. */
  abstract static class Postgres implements PostgresServer {

    private final Function<String, UnsupportedOperationException> refusal;

    /** Refuses stopping and starting with the exception {@code refusal} makes for the server's kind. */
    Postgres(Function<String, UnsupportedOperationException> refusal) {
      this.refusal = refusal;
    }

    @Override
    public boolean canRestart() {
      return false;
    }

    @Override
    public void stop() {
      throw refusal.apply("PostgreSQL");
    }

    @Override
    public void start() {
      throw refusal.apply("PostgreSQL");
    }
  }
}
