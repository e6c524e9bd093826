package io.outboxkit.core.internal;

import io.outboxkit.core.OutboxConfigurationException;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The one meaning of "jitter" in OutboxKit's retry settings (inbox runner, listener error handler, saga
 * retry policy): a fraction of each delay by which that delay varies at random, in both directions. 0.2 makes
 * a 1 s delay anything from 0.8 s to 1.2 s; 0 turns it off. Always less than 1, so no delay becomes zero.
 */
public final class Jitter {

  private Jitter() {
  }

  /**
   * Checks a jitter setting.
   *
   * @param setting the setting, named in the error message
   * @param fraction the value
   * @return {@code fraction}
   * @throws OutboxConfigurationException if the value is not from 0 up to, not including, 1
   */
  public static double requireFraction(String setting, double fraction) {
    if (!(fraction >= 0.0 && fraction < 1.0)) {
      throw new OutboxConfigurationException(setting + " is " + fraction
          + ": set a fraction of each delay from 0 (none) up to, not including, 1, for example 0.2 (±20%)");
    }
    return fraction;
  }

  /** {@code delay} varied at random by up to {@code fraction} of it either way; at least 1 ms. */
  public static Duration apply(Duration delay, double fraction) {
    double millis = delay.toMillis();
    if (fraction > 0) {
      millis *= 1 + ThreadLocalRandom.current().nextDouble(-fraction, fraction);
    }
    return Duration.ofMillis(Math.max(1, Math.round(millis)));
  }
}
