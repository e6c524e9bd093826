package io.outboxkit.inbox;

import java.time.Instant;

/**
 * What one retention run deleted.
 *
 * @param deletedRows the inbox rows deleted
 * @param batches the number of DELETE statements (each its own transaction) it took, including the last
 *     one that found fewer rows than the batch size
 * @param cutoff rows received before this instant (the database's clock) were deleted
 */
public record PurgeResult(long deletedRows, int batches, Instant cutoff) {
}
