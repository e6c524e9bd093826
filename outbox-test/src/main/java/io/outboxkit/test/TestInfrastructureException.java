package io.outboxkit.test;

import org.jspecify.annotations.Nullable;

/** The test PostgreSQL or Kafka could not be started, reached or used; the message says why and what to do. */
public class TestInfrastructureException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  public TestInfrastructureException(String message) {
    super(message);
  }

  public TestInfrastructureException(String message, @Nullable Throwable cause) {
    super(message, cause);
  }
}
