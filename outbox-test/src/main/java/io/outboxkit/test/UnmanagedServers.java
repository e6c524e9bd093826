package io.outboxkit.test;

import java.util.function.Function;

/**
 * Servers the tests did not start and cannot stop (an external provider's, a container's): stopping,
 * killing or starting one throws the provider's explanation.
 */
final class UnmanagedServers {

  private UnmanagedServers() {
  }

  /** Refuses stopping and starting with the exception {@code refusal} makes for the server's kind. */
  private abstract static class Refusing {

    private final Function<String, UnsupportedOperationException> refusal;
    private final String kind;

    Refusing(Function<String, UnsupportedOperationException> refusal, String kind) {
      this.refusal = refusal;
      this.kind = kind;
    }

    public boolean canRestart() {
      return false;
    }

    public void stop() {
      throw refusal.apply(kind);
    }

    public void start() {
      throw refusal.apply(kind);
    }

    UnsupportedOperationException refused() {
      return refusal.apply(kind);
    }
  }

  /** A Kafka server that cannot be restarted; subclasses give its address. */
  abstract static class Kafka extends Refusing implements KafkaServer {

    Kafka(Function<String, UnsupportedOperationException> refusal) {
      super(refusal, "Kafka");
    }

    @Override
    public void kill() {
      throw refused();
    }
  }

  /** A PostgreSQL server that cannot be restarted; subclasses give its address and credentials. */
  abstract static class Postgres extends Refusing implements PostgresServer {

    Postgres(Function<String, UnsupportedOperationException> refusal) {
      super(refusal, "PostgreSQL");
    }
  }
}
