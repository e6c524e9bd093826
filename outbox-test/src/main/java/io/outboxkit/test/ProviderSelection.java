package io.outboxkit.test;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * Chooses the provider: forced by a setting, else external servers, else Testcontainers, else embedded; and, for the
 * tests that need them, the embedded servers whatever that choice was.
 */
final class ProviderSelection {

  static final String JDBC_URL = "OUTBOX_TEST_JDBC_URL";
  static final String JDBC_USER = "OUTBOX_TEST_JDBC_USER";
  static final String JDBC_PASSWORD = "OUTBOX_TEST_JDBC_PASSWORD";
  static final String KAFKA_BOOTSTRAP = "OUTBOX_TEST_KAFKA_BOOTSTRAP";

  /** The provider and, for the log, why it was chosen. */
  record Decision(Provider provider, String reason) {
  }

  private ProviderSelection() {
  }

  /**
   * @param environment environment variables by name (null when unset)
   * @param systemProperties system properties by name (null when unset)
   * @param dockerAvailable asked only when Testcontainers is a candidate
   */
  static Decision select(
      Function<String, @Nullable String> environment,
      Function<String, @Nullable String> systemProperties,
      BooleanSupplier dockerAvailable) {
    String forcedBy = Provider.SYSTEM_PROPERTY;
    String forced = blankToNull(systemProperties.apply(Provider.SYSTEM_PROPERTY));
    if (forced == null) {
      forcedBy = Provider.ENVIRONMENT_VARIABLE;
      forced = blankToNull(environment.apply(Provider.ENVIRONMENT_VARIABLE));
    }
    if (forced != null) {
      Provider provider = Provider.parse(forcedBy, forced);
      String reason = "forced by " + forcedBy + "=" + forced;
      switch (provider) {
        case EXTERNAL -> {
          List<String> missing = missingExternalSettings(environment);
          if (!missing.isEmpty()) {
            throw new TestInfrastructureException(
                "the external provider is " + reason + ", but " + String.join(" and ", missing)
                    + (missing.size() == 1 ? " is" : " are") + " not set: set "
                    + JDBC_URL + " (for example jdbc:postgresql://localhost:5432/postgres) and " + KAFKA_BOOTSTRAP
                    + " (for example localhost:9092), or choose another provider");
          }
        }
        case TESTCONTAINERS -> {
          if (!dockerAvailable.getAsBoolean()) {
            throw new TestInfrastructureException(
                "the Testcontainers provider is " + reason + ", but no Docker engine is reachable (Testcontainers "
                    + "looked at DOCKER_HOST, ~/.testcontainers.properties and the default socket): start Docker, or "
                    + "use " + Provider.SYSTEM_PROPERTY + "=embedded");
          }
        }
        case EMBEDDED -> {
        }
      }
      return new Decision(provider, reason);
    }
    boolean anyExternal = blankToNull(environment.apply(JDBC_URL)) != null
        || blankToNull(environment.apply(KAFKA_BOOTSTRAP)) != null;
    if (anyExternal) {
      List<String> missing = missingExternalSettings(environment);
      if (!missing.isEmpty()) {
        throw new TestInfrastructureException(
            "external test servers are half configured: " + String.join(" and ", missing)
                + " is not set. Set both " + JDBC_URL + " and " + KAFKA_BOOTSTRAP + ", or neither");
      }
      return new Decision(Provider.EXTERNAL, JDBC_URL + " and " + KAFKA_BOOTSTRAP + " are set");
    }
    if (dockerAvailable.getAsBoolean()) {
      return new Decision(Provider.TESTCONTAINERS, "a Docker engine is reachable");
    }
    return new Decision(Provider.EMBEDDED, "no external servers configured and no Docker engine reachable");
  }

  /**
   * Where a test that needs the embedded servers gets them: a test that stops, kills or restarts PostgreSQL or
   * the broker (only the embedded servers can, on the same port with the same data) or that uses the broker's
   * SASL listener (only the embedded broker has one). Such a test never depends on which provider the other
   * tests use, so a contributor with Docker runs the same tests as one without.
   *
   * @param shared the provider of the other tests, as {@link #select} chose it
   * @return {@code shared} itself when it is the embedded provider (the tests share its servers); otherwise the
   *     embedded provider for a second set of servers, the shared ones staying with the other tests
   */
  static Decision forEmbeddedServers(Decision shared) {
    if (shared.provider() == Provider.EMBEDDED) {
      return shared;
    }
    return new Decision(Provider.EMBEDDED, "for the tests that stop, kill or restart the servers or use the broker's "
        + "SASL listener, which only the embedded servers can do; the other tests use the "
        + shared.provider().name().toLowerCase(Locale.ROOT) + " provider (" + shared.reason() + ")");
  }

  private static List<String> missingExternalSettings(Function<String, @Nullable String> environment) {
    List<String> missing = new ArrayList<>();
    if (blankToNull(environment.apply(JDBC_URL)) == null) {
      missing.add(JDBC_URL);
    }
    if (blankToNull(environment.apply(KAFKA_BOOTSTRAP)) == null) {
      missing.add(KAFKA_BOOTSTRAP);
    }
    return missing;
  }

  private static @Nullable String blankToNull(@Nullable String value) {
    return value == null || value.isBlank() ? null : value;
  }
}
