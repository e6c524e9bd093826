package io.outboxkit.fault;

import java.util.Locale;

/**
 * How hard the scenarios push: {@code short} (the default, part of the regular test suite) or {@code long}
 * (system property {@code fault.profile=long}, see docs/reliability.md).
 *
 * @param name the profile's name, printed in every scenario line
 * @param relayKills how many times the relay process is SIGKILLed and started again
 * @param brokerOutages how many times the broker is killed (or stopped) and started again
 * @param brokerDownMillis how long the broker stays down each time
 * @param databaseRestarts how many times PostgreSQL is restarted
 * @param consumerKills how many times a consumer process is SIGKILLed between its database and offset commits
 * @param failovers how many times the active relay of two is killed
 * @param transactionsPerSecond the writers' combined rate of transactions (1 to 3 events each, 10% rolled back)
 */
record FaultProfile(String name, int relayKills, int brokerOutages, long brokerDownMillis, int databaseRestarts,
    int consumerKills, int failovers, int transactionsPerSecond) {

  static final String PROPERTY = "fault.profile";

  static final FaultProfile SHORT = new FaultProfile("short", 3, 1, 8_000, 1, 3, 2, 60);
  static final FaultProfile LONG = new FaultProfile("long", 50, 5, 15_000, 5, 20, 20, 150);

  /** The profile named by the system property {@value #PROPERTY}; {@link #SHORT} when it is not set. */
  static FaultProfile current() {
    String value = System.getProperty(PROPERTY, "short").trim().toLowerCase(Locale.ROOT);
    return switch (value) {
      case "", "short" -> SHORT;
      case "long" -> LONG;
      default -> throw new IllegalArgumentException(PROPERTY + "=" + value + " is not a profile: use short or long");
    };
  }
}
