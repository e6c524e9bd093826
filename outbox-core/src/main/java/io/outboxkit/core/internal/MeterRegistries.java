package io.outboxkit.core.internal;

import io.outboxkit.core.OutboxConfigurationException;
import org.jspecify.annotations.Nullable;

/**
 * Checks a value given as a meter registry. The writer, the relay and the inbox runner take Micrometer's
 * {@code MeterRegistry} as an {@code Object}, so that Micrometer stays an optional dependency; this class never
 * loads Micrometer's classes unless they are there.
 */
public final class MeterRegistries {

  private static final String METER_REGISTRY = "io.micrometer.core.instrument.MeterRegistry";

  private MeterRegistries() {
  }

  /** True when Micrometer is on the class path and {@code candidate} is one of its registries. */
  public static boolean isMeterRegistry(Object candidate) {
    try {
      return Class.forName(METER_REGISTRY, false, MeterRegistries.class.getClassLoader()).isInstance(candidate);
    } catch (ClassNotFoundException | LinkageError absent) {
      return false;
    }
  }

  /**
   * Returns {@code candidate} when it is a Micrometer {@code MeterRegistry}.
   *
   * @param setting the builder setting, named in the message
   * @throws OutboxConfigurationException when it is null or not a registry
   */
  public static Object require(String setting, @Nullable Object candidate) {
    if (candidate == null) {
      throw new OutboxConfigurationException(setting + " is null: give a " + METER_REGISTRY
          + ", or leave it unset for no meters");
    }
    if (!isMeterRegistry(candidate)) {
      throw new OutboxConfigurationException(setting + " must be an " + METER_REGISTRY
          + " (io.micrometer:micrometer-core), was " + candidate.getClass().getName());
    }
    return candidate;
  }
}
