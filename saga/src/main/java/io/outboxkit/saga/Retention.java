package io.outboxkit.saga;

import io.outboxkit.core.OutboxConfigurationException;
import java.time.Duration;

/** Deleting old rows in batches, one transaction each, as the orchestrator's and the participant's purges do. */
final class Retention {

  /** Deletes one batch of rows older than the age, at most the batch size; returns how many it deleted. */
  @FunctionalInterface
  interface Batch {
    int delete(long maxAgeMillis, int batchSize);
  }

  private Retention() {
  }

  /**
   * Runs {@code batch} until a batch deletes fewer rows than {@code batchSize}.
   *
   * @return how many rows were deleted in all
   * @throws OutboxConfigurationException when {@code maxAge} is not positive or {@code batchSize} below 1
   */
  static long purge(Duration maxAge, int batchSize, Batch batch) {
    if (maxAge == null || maxAge.isNegative() || maxAge.isZero() || batchSize < 1) {
      throw new OutboxConfigurationException("purge needs a positive maxAge and batchSize, got " + maxAge + " and "
          + batchSize);
    }
    long total = 0;
    int deleted;
    do {
      deleted = batch.delete(maxAge.toMillis(), batchSize);
      total += deleted;
    } while (deleted >= batchSize);
    return total;
  }
}
