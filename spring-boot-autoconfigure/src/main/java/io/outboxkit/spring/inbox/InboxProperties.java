package io.outboxkit.spring.inbox;

import io.outboxkit.core.OutboxConfigurationException;
import io.outboxkit.core.TableName;
import io.outboxkit.core.internal.Jitter;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Settings of the {@link io.outboxkit.inbox.Inbox} bean and of idempotent Kafka listeners, bound from
 * {@code outbox.inbox.*}. Immutable; validated when bound.
 *
 * @param enabled Whether to create the Inbox bean on the application's DataSource, and the Kafka listener
 *     support built on it
 * @param table The inbox table, which records the ids of processed messages per consumer
 * @param initializeSchema Whether to install the inbox table at start-up (idempotent); leave off when Flyway or
 *     Liquibase installs it
 * @param retention The scheduled deletion of old inbox rows
 * @param listener The support for idempotent @KafkaListener methods and the listener error handler
 */
@ConfigurationProperties("outbox.inbox")
public record InboxProperties(
    @DefaultValue("true") boolean enabled,
    @DefaultValue Table table,
    @DefaultValue("false") boolean initializeSchema,
    @DefaultValue Retention retention,
    @DefaultValue Listener listener) {

  /**
   * The inbox table.
   *
   * @param schema The schema of the inbox table; it must exist. Letters, digits and underscores
   * @param name The name of the inbox table. Letters, digits and underscores
   */
  public record Table(@DefaultValue(TableName.DEFAULT_SCHEMA) String schema,
      @DefaultValue(TableName.DEFAULT_INBOX_TABLE) String name) {

    /** Validates both names; the error names the property. */
    public Table {
      tableName(schema, name);
    }

    /** The validated, schema-qualified table name. */
    public TableName tableName() {
      return tableName(schema, name);
    }

    private static TableName tableName(String schema, String name) {
      return TableName.of("outbox.inbox.table.schema", schema, "outbox.inbox.table.name", name);
    }
  }

  /**
   * Deletes inbox rows older than a maximum age, in batches, on a schedule. A deleted id is forgotten: a
   * message delivered again after that is processed again, so keep the age longer than the topics' retention
   * plus the longest time a consumer may be stopped or lagging.
   *
   * @param enabled Whether to delete old inbox rows on a schedule
   * @param maxAge Rows received longer ago than this are deleted
   * @param batchSize Rows deleted per statement, each statement its own transaction
   * @param interval Time between two runs; the first runs at start-up
   */
  public record Retention(
      @DefaultValue("false") boolean enabled,
      @DefaultValue("14d") Duration maxAge,
      @DefaultValue("1000") int batchSize,
      @DefaultValue("1h") Duration interval) {

    /** Validates the values; the error names the property. */
    public Retention {
      positive("outbox.inbox.retention.max-age", maxAge);
      positive("outbox.inbox.retention.interval", interval);
      if (batchSize < 1) {
        throw new OutboxConfigurationException("outbox.inbox.retention.batch-size is " + batchSize
            + ": set a positive number of rows per delete statement");
      }
    }
  }

  /**
   * Idempotent {@code @KafkaListener} methods (annotated with
   * {@link io.outboxkit.spring.kafka.IdempotentListener @IdempotentListener}) and the error handler of the
   * application's listener containers.
   *
   * @param enabled Whether @IdempotentListener methods run through the inbox
   * @param errorHandler Retries with backoff, then a dead-letter topic, for the listeners of the application's
   *     default listener container factory
   */
  public record Listener(@DefaultValue("true") boolean enabled, @DefaultValue ErrorHandler errorHandler) {
  }

  /**
   * Spring Kafka's {@code DefaultErrorHandler} with an exponential backoff and a
   * {@code DeadLetterPublishingRecoverer}, set on the listener container factory that Spring Boot configures.
   * Records that can never be processed (no message id, bad configuration) go to the dead-letter topic at once.
   *
   * @param enabled Whether to define the error handler (it backs off when the application defines a
   *     CommonErrorHandler bean of its own)
   * @param attempts Deliveries of a record to the listener before it is sent to the dead-letter topic, the
   *     first one included; 1 means no retry
   * @param backoff The delays between the attempts
   * @param deadLetterTopicSuffix Appended to a record's topic to name its dead-letter topic; the dead letter is
   *     published with the application's KafkaTemplate, whose serializers must accept the listener's
   *     key and value types
   */
  public record ErrorHandler(
      @DefaultValue("true") boolean enabled,
      @DefaultValue("5") int attempts,
      @DefaultValue Backoff backoff,
      @DefaultValue(".dlq") String deadLetterTopicSuffix) {

    /** Validates the values; the error names the property. */
    public ErrorHandler {
      if (attempts < 1) {
        throw new OutboxConfigurationException("outbox.inbox.listener.error-handler.attempts is " + attempts
            + ": set at least 1 (1 means no retry)");
      }
      if (deadLetterTopicSuffix == null || deadLetterTopicSuffix.isEmpty()
          || !deadLetterTopicSuffix.matches("[A-Za-z0-9._-]+")) {
        throw new OutboxConfigurationException("outbox.inbox.listener.error-handler.dead-letter-topic-suffix is '"
            + deadLetterTopicSuffix + "': use letters, digits, '.', '_' or '-', for example .dlq");
      }
    }
  }

  /**
   * Exponential backoff between delivery attempts: {@code delay}, then {@code delay * multiplier}, and so on,
   * up to {@code max-delay}, each varied at random by up to the {@code jitter} fraction of it, either way.
   *
   * @param delay The delay before the first retry
   * @param multiplier The factor applied to the delay after each retry; 1 gives a fixed delay
   * @param maxDelay The longest delay between two attempts
   * @param jitter The fraction of each delay by which it varies at random, either way, so that consumers do not
   *     retry in lockstep: 0.2 makes a 1s delay anything from 0.8s to 1.2s; from 0 (none) up to, not
   *     including, 1. The same meaning as the inbox runner's and the saga retry policy's jitter
   */
  public record Backoff(
      @DefaultValue("1s") Duration delay,
      @DefaultValue("2.0") double multiplier,
      @DefaultValue("30s") Duration maxDelay,
      @DefaultValue("0") double jitter) {

    /** Validates the values; the error names the property. */
    public Backoff {
      String prefix = "outbox.inbox.listener.error-handler.backoff.";
      positive(prefix + "delay", delay);
      if (multiplier < 1.0) {
        throw new OutboxConfigurationException(prefix + "multiplier is " + multiplier
            + ": set 1 (fixed delay) or more");
      }
      if (maxDelay == null || maxDelay.compareTo(delay) < 0) {
        throw new OutboxConfigurationException(prefix + "max-delay is " + maxDelay + ": set at least the delay ("
            + delay + ")");
      }
      Jitter.requireFraction(prefix + "jitter", jitter);
    }
  }

  private static void positive(String property, Duration value) {
    if (value == null || value.isNegative() || value.isZero()) {
      throw new OutboxConfigurationException(property + " is " + value + ": set a positive duration");
    }
  }
}
