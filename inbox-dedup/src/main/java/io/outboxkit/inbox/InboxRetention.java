package io.outboxkit.inbox;

import io.outboxkit.core.OutboxConfigurationException;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deletes old inbox rows on a schedule, in bounded batches (see {@link Inbox#purge}).
 *
 * <p><b>How old is old enough.</b> An id whose row is deleted is forgotten, and a message delivered again
 * after that is processed again. So {@link Builder#maxAge(Duration) maxAge} (default 14 days) must be longer
 * than the longest time between a message's first processing and its last possible redelivery: the topic's
 * retention ({@code retention.ms}, 7 days by default in Kafka) when a consumer group may be reset to the
 * earliest offset, plus the longest time a consumer may be stopped or lag behind, plus a margin. With
 * business keys taken from the payload, also consider how long the producer may publish the same business
 * event again.
 *
 * <p>Thread-safe. {@link #start()} runs a daemon thread of its own; {@link #close()} stops it.
 */
public final class InboxRetention implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(InboxRetention.class);

  /** The default age after which rows are deleted: 14 days. */
  public static final Duration DEFAULT_MAX_AGE = Duration.ofDays(14);

  /** The default number of rows per delete statement. */
  public static final int DEFAULT_BATCH_SIZE = 1000;

  /** The default pause between runs: one hour. */
  public static final Duration DEFAULT_INTERVAL = Duration.ofHours(1);

  private final Inbox inbox;
  private final Duration maxAge;
  private final int batchSize;
  private final Duration interval;
  private @Nullable ScheduledExecutorService scheduler;

  private InboxRetention(Builder builder) {
    this.inbox = builder.inbox;
    this.maxAge = builder.maxAge;
    this.batchSize = builder.batchSize;
    this.interval = builder.interval;
  }

  /** Starts a builder for the given inbox. */
  public static Builder builder(Inbox inbox) {
    return new Builder(inbox);
  }

  /**
   * Deletes the rows older than the configured age now, on the calling thread.
   *
   * @throws io.outboxkit.core.ServerUnavailableException if the database cannot be reached
   */
  public PurgeResult runOnce() {
    PurgeResult result = inbox.purge(maxAge, batchSize);
    if (result.deletedRows() > 0) {
      log.info("Deleted {} inbox rows received before {} from {} in {} batches", result.deletedRows(),
          result.cutoff(), inbox.table(), result.batches());
    }
    return result;
  }

  /**
   * Runs {@link #runOnce()} now and then every interval, on a daemon thread, until {@link #close()}. A failed
   * run is logged and the next one runs at the next interval.
   *
   * @throws IllegalStateException if already started
   */
  public synchronized void start() {
    if (scheduler != null) {
      throw new IllegalStateException("the inbox retention for " + inbox.table() + " is already started");
    }
    ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread thread = new Thread(r, "outboxkit-inbox-retention-" + inbox.table().table().name());
      thread.setDaemon(true);
      return thread;
    });
    executor.scheduleWithFixedDelay(() -> {
      try {
        runOnce();
      } catch (RuntimeException e) {
        log.warn("Inbox retention on {} failed, trying again in {}: {}", inbox.table(), interval, e.getMessage());
      }
    }, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
    scheduler = executor;
  }

  /** Stops the schedule; a run in progress finishes its current batch. Idempotent. */
  @Override
  public synchronized void close() {
    if (scheduler != null) {
      scheduler.shutdownNow();
      scheduler = null;
    }
  }

  /** Builds an {@link InboxRetention}; validates each setting when set. Not thread-safe. */
  public static final class Builder {

    private final Inbox inbox;
    private Duration maxAge = DEFAULT_MAX_AGE;
    private int batchSize = DEFAULT_BATCH_SIZE;
    private Duration interval = DEFAULT_INTERVAL;

    private Builder(Inbox inbox) {
      this.inbox = Objects.requireNonNull(inbox, "inbox");
    }

    /** Rows received longer ago than this are deleted. Default 14 days; see the class comment. */
    public Builder maxAge(Duration maxAge) {
      if (maxAge == null || maxAge.isNegative() || maxAge.isZero()) {
        throw new OutboxConfigurationException("inbox retention maxAge is " + maxAge
            + ": set a positive duration, longer than the topic's retention plus the longest consumer lag");
      }
      this.maxAge = maxAge;
      return this;
    }

    /** Rows per delete statement (each its own transaction). Default 1000. */
    public Builder batchSize(int batchSize) {
      if (batchSize <= 0) {
        throw new OutboxConfigurationException("inbox retention batchSize is " + batchSize
            + ": set a positive number of rows per delete");
      }
      this.batchSize = batchSize;
      return this;
    }

    /** Time between two runs after {@link #start()}. Default one hour. */
    public Builder interval(Duration interval) {
      if (interval == null || interval.isNegative() || interval.isZero()) {
        throw new OutboxConfigurationException("inbox retention interval is " + interval
            + ": set a positive duration, for example one hour");
      }
      this.interval = interval;
      return this;
    }

    public InboxRetention build() {
      return new InboxRetention(this);
    }
  }
}
