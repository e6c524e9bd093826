package io.outboxkit.inbox.kafka;

import io.opentelemetry.api.OpenTelemetry;
import io.outboxkit.core.OutboxConfigurationException;
import io.outboxkit.core.internal.InboxMeters;
import io.outboxkit.core.internal.Jitter;
import io.outboxkit.core.internal.MeterRegistries;
import io.outboxkit.inbox.Inbox;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.jspecify.annotations.Nullable;

/**
 * Consumes Kafka topics through an {@link Inbox}: each record's effect is applied exactly once per consumer
 * name, and offsets are committed only after the database committed.
 *
 * <p><b>The loop.</b> One thread of its own subscribes, polls and hands each new record to the
 * {@link InboxHandler} inside the inbox's transaction (or, with an {@link InboxBatchHandler}, a whole poll in
 * one transaction). After the poll's records are done it commits the offsets of the processed records with
 * {@code commitSync}. A crash between the database commit and the offset commit redelivers records whose ids
 * are already recorded: they are recognized as duplicates and skipped.
 *
 * <p><b>Rebalances.</b> When partitions are revoked, the offsets of their processed records are committed
 * before they go; records not processed yet are left to the next owner, and a record processed but not
 * committed in time is a duplicate there. Lost partitions (the member was expelled) are dropped without a
 * commit.
 *
 * <p><b>Failures and retries.</b> When a handler throws, the record's partition is paused and rewound to the
 * record; the loop keeps polling the other partitions (so {@code max.poll.interval.ms} is never exceeded
 * while waiting) and resumes the partition when the backoff delay has passed: exponential from
 * {@link Builder#backoff initialDelay} (default 1 s) by {@link Builder#backoffMultiplier multiplier}
 * (default 2) up to {@code maxDelay} (default 30 s), each delay varied by &plusmn;{@link Builder#jitter jitter}
 * (default 0.2). After {@link Builder#maxAttempts maxAttempts} (default 5) failed attempts the record goes to
 * the dead-letter topic (default {@code <topic>.dlq}) with the {@link io.outboxkit.core.DeadLetterHeaders} and
 * the partition moves on. A record with no dedup key or an unreadable body is not retried: it is
 * dead-lettered at once (or skipped, see {@link InvalidMessageAction}). A database that cannot be reached (a
 * {@link io.outboxkit.core.ServerUnavailableException}, from the inbox or from the handler) is not counted
 * against a record: every partition is paused with the same backoff until the database answers again. Attempts are
 * counted in memory by the partition's current owner: after a rebalance or restart a record may get up to
 * {@code maxAttempts} more.
 *
 * <p><b>Shutdown.</b> {@link #close()} wakes the consumer up, lets the record in progress finish, commits
 * what is done and closes the consumer and the dead-letter producer.
 *
 * <p><b>Tracing.</b> With opentelemetry-api on the class path, a record carrying {@code traceparent} is
 * processed inside a CONSUMER span whose parent is that context (a batch span is linked to each record's
 * context instead). Without OpenTelemetry the runner works the same, without spans.
 *
 * <p>Thread-safe: {@link #start()}, {@link #close()} and {@link #stats()} may be called from any thread. The
 * handler is only ever called from the runner's thread.
 */
public final class InboxKafkaRunner implements AutoCloseable {

  private final PollLoop loop;
  private final Thread thread;
  private final Duration shutdownTimeout;
  private boolean started;

  private InboxKafkaRunner(PollLoop loop, String threadName, Duration shutdownTimeout) {
    this.loop = loop;
    this.thread = new Thread(loop, threadName);
    this.shutdownTimeout = shutdownTimeout;
  }

  /** Starts a builder for a runner that processes records through {@code inbox}. */
  public static Builder builder(Inbox inbox) {
    return new Builder(inbox);
  }

  /**
   * Starts the polling thread. The consumer subscribes on that thread.
   *
   * @throws IllegalStateException if already started or closed
   */
  public synchronized void start() {
    if (started) {
      throw new IllegalStateException("the inbox runner " + thread.getName() + " was already started or closed: "
          + "build a new one");
    }
    started = true;
    thread.start();
  }

  /** True from {@link #start()} until the loop has stopped (closed, or ended by a failure). */
  public boolean isRunning() {
    return thread.isAlive();
  }

  /**
   * Counters since the start; a consistent snapshot of each counter, not across counters. With a
   * {@link Builder#meterRegistry meter registry} the same counts go to meters.
   */
  public Stats stats() {
    return loop.stats();
  }

  /** The error that ended the loop on its own, or null while running or after a regular close. */
  public @Nullable Throwable failure() {
    return loop.failure();
  }

  /**
   * Stops gracefully: the record in progress finishes, processed offsets are committed, the consumer leaves
   * the group. Waits up to the shutdown timeout (default 30 s). Idempotent. Called from a handler, it only
   * asks the loop to stop after that handler returns.
   */
  @Override
  public void close() {
    loop.requestStop();
    synchronized (this) {
      if (!started) {
        started = true;
        loop.closeUnstarted();
        return;
      }
    }
    if (Thread.currentThread() == thread) {
      return;
    }
    try {
      thread.join(shutdownTimeout.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * Counters of a runner.
   *
   * @param processed records whose effect was applied and committed
   * @param duplicates records whose id was already recorded (redeliveries), effect not applied
   * @param failedAttempts handler attempts that failed (each retry counts)
   * @param deadLettered records sent to the dead-letter topic
   * @param skipped invalid records skipped by {@link InvalidMessageAction#SKIP}
   * @param outages times the database or the dead-letter topic was unreachable and every partition paused
   */
  public record Stats(long processed, long duplicates, long failedAttempts, long deadLettered, long skipped,
      long outages) {
  }

  /**
   * Builds an {@link InboxKafkaRunner}. Required: {@link #consumerProperties} with {@code bootstrap.servers}
   * and {@code group.id}, {@link #topics} (or {@link #topicPattern}), {@link #consumerName}, and one of
   * {@link #handler} or {@link #batchHandler}. Each setting is validated when set and the whole in
   * {@link #build()}. Not thread-safe.
   */
  public static final class Builder {

    /** Default dead-letter topic suffix: records of {@code orders} go to {@code orders.dlq}. */
    public static final String DEFAULT_DEAD_LETTER_SUFFIX = ".dlq";

    private final Inbox inbox;
    private final Map<String, Object> consumerProperties = new HashMap<>();
    private @Nullable Map<String, Object> producerProperties;
    private @Nullable List<String> topics;
    private @Nullable Pattern topicPattern;
    private @Nullable String consumerName;
    private @Nullable InboxHandler handler;
    private @Nullable InboxBatchHandler batchHandler;
    private MessageIdExtractor messageIdExtractor = MessageIdExtractor.idHeader();
    private InvalidMessageAction invalidMessageAction = InvalidMessageAction.DEAD_LETTER;
    private int maxAttempts = 5;
    private Duration initialDelay = Duration.ofSeconds(1);
    private Duration maxDelay = Duration.ofSeconds(30);
    private double multiplier = 2.0;
    private double jitter = 0.2;
    private @Nullable String deadLetterTopic;
    private String deadLetterSuffix = DEFAULT_DEAD_LETTER_SUFFIX;
    private Duration deadLetterTimeout = Duration.ofSeconds(30);
    private Duration pollTimeout = Duration.ofSeconds(1);
    private Duration shutdownTimeout = Duration.ofSeconds(30);
    private boolean tracing = true;
    private @Nullable Object openTelemetry;
    private @Nullable Object meterRegistry;
    private @Nullable String threadName;

    private Builder(Inbox inbox) {
      if (inbox == null) {
        throw new OutboxConfigurationException("InboxKafkaRunner.builder(inbox) needs an Inbox, got null");
      }
      this.inbox = inbox;
    }

    /**
     * Kafka consumer settings; {@code bootstrap.servers} and {@code group.id} are required. The runner sets
     * byte-array deserializers and {@code enable.auto.commit=false} (an explicit {@code true} is rejected),
     * and {@code auto.offset.reset=earliest} unless given, so that a new group starts with the oldest
     * records rather than skipping them.
     */
    public Builder consumerProperties(Map<String, ?> properties) {
      Objects.requireNonNull(properties, "consumer properties");
      properties.forEach((key, value) -> consumerProperty(key, value));
      return this;
    }

    /** Kafka consumer settings, as {@link #consumerProperties(Map)}. */
    public Builder consumerProperties(Properties properties) {
      Objects.requireNonNull(properties, "consumer properties");
      properties.forEach((key, value) -> consumerProperty(String.valueOf(key), value));
      return this;
    }

    /** One Kafka consumer setting. */
    public Builder consumerProperty(String key, Object value) {
      Objects.requireNonNull(key, "key");
      Objects.requireNonNull(value, () -> "consumer property " + key);
      if (key.equals(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG) && Boolean.parseBoolean(value.toString())) {
        throw new OutboxConfigurationException("consumer property enable.auto.commit=true cannot be used with "
            + "the inbox runner: it commits offsets itself, after the database; remove the setting");
      }
      if ((key.equals(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG)
          || key.equals(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG))
          && !isByteArrayDeserializer(value)) {
        throw new OutboxConfigurationException("consumer property " + key + "=" + value + " cannot be used with "
            + "the inbox runner: it reads raw bytes (ByteArrayDeserializer) and hands them to the handler; "
            + "remove the setting and decode in the handler");
      }
      consumerProperties.put(key, value);
      return this;
    }

    /**
     * Kafka producer settings for the dead-letter topic. By default, the consumer's connection settings
     * ({@code bootstrap.servers}, security, SASL, SSL and the other settings that producers share with
     * consumers) are reused. The runner sets byte-array serializers, {@code acks=all}, idempotence, and
     * {@code max.block.ms=30000} unless given.
     */
    public Builder producerProperties(Map<String, ?> properties) {
      Objects.requireNonNull(properties, "producer properties");
      this.producerProperties = new HashMap<>(properties);
      return this;
    }

    /** The topics to subscribe to. */
    public Builder topics(Collection<String> topics) {
      Objects.requireNonNull(topics, "topics");
      List<String> list = new ArrayList<>();
      for (String topic : topics) {
        if (topic == null || topic.isBlank()) {
          throw new OutboxConfigurationException("inbox runner topics contain an empty name: " + topics);
        }
        list.add(topic);
      }
      if (list.isEmpty()) {
        throw new OutboxConfigurationException("inbox runner topics are empty: name at least one topic");
      }
      this.topics = List.copyOf(list);
      this.topicPattern = null;
      return this;
    }

    /** The topics to subscribe to. */
    public Builder topics(String... topics) {
      return topics(List.of(topics));
    }

    /** Subscribes to all topics matching the pattern, instead of {@link #topics}. */
    public Builder topicPattern(Pattern pattern) {
      this.topicPattern = Objects.requireNonNull(pattern, "topic pattern");
      this.topics = null;
      return this;
    }

    /**
     * The inbox consumer name under which message ids are recorded. Required. Keep it stable: under a new
     * name every message is processed again. The Kafka group id is a good choice.
     */
    public Builder consumerName(String consumerName) {
      if (consumerName == null || consumerName.isBlank()) {
        throw new OutboxConfigurationException("inbox runner consumerName is empty: name the consuming handler "
            + "with a stable name, for example the Kafka group id");
      }
      if (consumerName.length() > Inbox.MAX_CONSUMER_LENGTH) {
        throw new OutboxConfigurationException("inbox runner consumerName has " + consumerName.length()
            + " characters: use at most " + Inbox.MAX_CONSUMER_LENGTH);
      }
      this.consumerName = consumerName;
      return this;
    }

    /** Processes each record in its own transaction. Exclusive with {@link #batchHandler}. */
    public Builder handler(InboxHandler handler) {
      this.handler = Objects.requireNonNull(handler, "handler");
      return this;
    }

    /**
     * Processes each poll's records in one transaction (one insert for all ids); on a failure, the poll is
     * rolled back and processed again one record at a time. Exclusive with {@link #handler}.
     */
    public Builder batchHandler(InboxBatchHandler batchHandler) {
      this.batchHandler = Objects.requireNonNull(batchHandler, "batch handler");
      return this;
    }

    /** How the dedup key is taken from a record. Default {@link MessageIdExtractor#idHeader()}. */
    public Builder messageIdExtractor(MessageIdExtractor extractor) {
      this.messageIdExtractor = Objects.requireNonNull(extractor, "message id extractor");
      return this;
    }

    /** What happens to records that can never be processed. Default {@link InvalidMessageAction#DEAD_LETTER}. */
    public Builder invalidMessageAction(InvalidMessageAction action) {
      this.invalidMessageAction = Objects.requireNonNull(action, "invalid message action");
      return this;
    }

    /** Handler attempts per record before it is dead-lettered, first attempt included. Default 5; 1 = no retry. */
    public Builder maxAttempts(int maxAttempts) {
      if (maxAttempts < 1) {
        throw new OutboxConfigurationException("inbox runner maxAttempts is " + maxAttempts
            + ": set at least 1 (1 means no retry)");
      }
      this.maxAttempts = maxAttempts;
      return this;
    }

    /**
     * The delay before the first retry and the longest delay. Defaults 1 s and 30 s. Equal values give a
     * fixed delay.
     */
    public Builder backoff(Duration initialDelay, Duration maxDelay) {
      if (initialDelay == null || initialDelay.toMillis() < 1) {
        throw new OutboxConfigurationException("inbox runner backoff initialDelay is " + initialDelay
            + ": set at least 1 ms");
      }
      if (maxDelay == null || maxDelay.compareTo(initialDelay) < 0) {
        throw new OutboxConfigurationException("inbox runner backoff maxDelay is " + maxDelay
            + ": set at least the initialDelay (" + initialDelay + ")");
      }
      this.initialDelay = initialDelay;
      this.maxDelay = maxDelay;
      return this;
    }

    /** Each delay is the previous one times this factor, up to the max delay. Default 2; 1 = fixed delay. */
    public Builder backoffMultiplier(double multiplier) {
      if (!(multiplier >= 1.0) || Double.isInfinite(multiplier)) {
        throw new OutboxConfigurationException("inbox runner backoffMultiplier is " + multiplier
            + ": set a finite factor of at least 1, for example 2");
      }
      this.multiplier = multiplier;
      return this;
    }

    /**
     * Each delay varies randomly by up to this fraction of it in both directions, so that consumers that
     * failed together do not retry together: 0.2 makes a 1 s delay anything from 0.8 s to 1.2 s. Default 0.2
     * (&plusmn;20%); 0 = none; less than 1. The same meaning as the saga's {@code RetryPolicy} jitter and
     * the Spring property {@code outbox.inbox.listener.error-handler.backoff.jitter}.
     */
    public Builder jitter(double jitter) {
      this.jitter = Jitter.requireFraction("inbox runner jitter", jitter);
      return this;
    }

    /** One dead-letter topic for all subscribed topics, instead of {@code <topic>.dlq}. */
    public Builder deadLetterTopic(String topic) {
      if (topic == null || topic.isBlank()) {
        throw new OutboxConfigurationException("inbox runner deadLetterTopic is empty: name a topic, or leave it "
            + "unset for <topic>" + DEFAULT_DEAD_LETTER_SUFFIX);
      }
      this.deadLetterTopic = topic;
      return this;
    }

    /** The suffix added to a record's topic to name its dead-letter topic. Default {@code .dlq}. */
    public Builder deadLetterTopicSuffix(String suffix) {
      if (suffix == null || suffix.isEmpty()) {
        throw new OutboxConfigurationException("inbox runner deadLetterTopicSuffix is empty: a dead-letter topic"
            + " must differ from the topic it comes from");
      }
      this.deadLetterSuffix = suffix;
      this.deadLetterTopic = null;
      return this;
    }

    /** How long to wait for the broker to acknowledge a dead letter before retrying it. Default 30 s. */
    public Builder deadLetterTimeout(Duration timeout) {
      this.deadLetterTimeout = positive("deadLetterTimeout", timeout);
      return this;
    }

    /**
     * The longest a single poll waits for records. Default 1 s. Shutdown does not wait for it (the consumer
     * is woken up); paused partitions are resumed on time regardless.
     */
    public Builder pollTimeout(Duration pollTimeout) {
      this.pollTimeout = positive("pollTimeout", pollTimeout);
      return this;
    }

    /** How long {@link InboxKafkaRunner#close()} waits for the loop to finish. Default 30 s. */
    public Builder shutdownTimeout(Duration shutdownTimeout) {
      this.shutdownTimeout = positive("shutdownTimeout", shutdownTimeout);
      return this;
    }

    /**
     * Whether to create consumer spans when opentelemetry-api is on the class path. Default {@code true};
     * without OpenTelemetry this setting has no effect.
     */
    public Builder tracing(boolean tracing) {
      this.tracing = tracing;
      return this;
    }

    /** The OpenTelemetry instance for spans. Default {@code GlobalOpenTelemetry.get()}. */
    public Builder openTelemetry(OpenTelemetry openTelemetry) {
      this.openTelemetry = Objects.requireNonNull(openTelemetry, "openTelemetry");
      return this;
    }

    /**
     * A Micrometer {@code MeterRegistry} for the runner's counters, tagged with the consumer name: those of
     * {@link #stats()} as {@code outboxkit.inbox.processed}, {@code .duplicates}, {@code .failures} (failed
     * attempts), {@code .dead.letters}, {@code .skipped} and {@code .outages}. Optional; Micrometer must be on the
     * class path. Typed {@code Object} so that the runner does not require Micrometer. Runners of the same
     * consumer name on one registry count together.
     *
     * @throws OutboxConfigurationException if it is not a {@code MeterRegistry}
     */
    public Builder meterRegistry(Object meterRegistry) {
      this.meterRegistry = MeterRegistries.require("inbox runner meterRegistry", meterRegistry);
      return this;
    }

    /** The polling thread's name. Default {@code outboxkit-inbox-<consumerName>}. */
    public Builder threadName(String threadName) {
      if (threadName == null || threadName.isBlank()) {
        throw new OutboxConfigurationException("inbox runner threadName is empty");
      }
      this.threadName = threadName;
      return this;
    }

    /**
     * Validates the whole and creates the Kafka consumer (which does not connect yet).
     *
     * @throws OutboxConfigurationException naming the missing or invalid setting
     */
    public InboxKafkaRunner build() {
      if (consumerName == null) {
        throw new OutboxConfigurationException("inbox runner consumerName is not set: name the consuming "
            + "handler with a stable name (for example the Kafka group id); message ids are recorded under it");
      }
      if (handler == null && batchHandler == null) {
        throw new OutboxConfigurationException("inbox runner has no handler: set handler(...) for one record per"
            + " transaction or batchHandler(...) for one poll per transaction");
      }
      if (handler != null && batchHandler != null) {
        throw new OutboxConfigurationException("inbox runner has both handler(...) and batchHandler(...): set "
            + "only one");
      }
      if (topics == null && topicPattern == null) {
        throw new OutboxConfigurationException("inbox runner has no topics: set topics(...) or topicPattern(...)");
      }
      Object servers = consumerProperties.get(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG);
      if (servers == null || servers.toString().isBlank()) {
        throw new OutboxConfigurationException("inbox runner consumer property bootstrap.servers is not set: "
            + "give the Kafka brokers, for example consumerProperty(\"bootstrap.servers\", \"localhost:9092\")");
      }
      Object group = consumerProperties.get(ConsumerConfig.GROUP_ID_CONFIG);
      if (group == null || group.toString().isBlank()) {
        throw new OutboxConfigurationException("inbox runner consumer property group.id is not set: the runner "
            + "commits offsets for a consumer group; name one");
      }
      if (topics != null && deadLetterTopic == null) {
        for (String topic : topics) {
          if (topic.endsWith(deadLetterSuffix)) {
            throw new OutboxConfigurationException("inbox runner subscribes to " + topic + ", whose dead-letter "
                + "topic would be " + topic + deadLetterSuffix + ": set deadLetterTopic(...) or another suffix");
          }
        }
      }
      if (topics != null && deadLetterTopic != null && topics.contains(deadLetterTopic)) {
        throw new OutboxConfigurationException("inbox runner deadLetterTopic " + deadLetterTopic
            + " is also one of its topics: dead letters would be consumed again");
      }

      Map<String, Object> consumerConfig = RunnerClientConfig.consumer(consumerProperties);
      KafkaConsumer<byte[], byte[]> consumer;
      try {
        consumer = new KafkaConsumer<>(consumerConfig);
      } catch (KafkaException e) {
        throw new OutboxConfigurationException("the inbox runner's Kafka consumer cannot be created: "
            + e.getMessage() + (e.getCause() != null ? " (" + e.getCause().getMessage() + ")" : ""), e);
      }

      Map<String, Object> producerConfig = RunnerClientConfig.deadLetterProducer(consumerConfig, producerProperties);
      Supplier<Producer<byte[], byte[]>> producerFactory = () -> new KafkaProducer<>(producerConfig);
      DeadLetterPublisher deadLetters =
          new DeadLetterPublisher(producerFactory, deadLetterTopic, deadLetterSuffix, deadLetterTimeout);
      RecordTracing recordTracing = tracing
          ? RecordTracing.create(openTelemetry, consumerName, group.toString())
          : RecordTracing.NONE;
      RunnerSettings settings = new RunnerSettings(inbox, consumerName, handler, batchHandler, messageIdExtractor,
          invalidMessageAction, new RetrySchedule(maxAttempts, initialDelay, maxDelay, multiplier, jitter),
          recordTracing, topics, topicPattern, pollTimeout);
      PollLoop loop = new PollLoop(settings, consumer, deadLetters, System::nanoTime,
          InboxMeters.create(meterRegistry).runner(consumerName));
      String name = threadName != null ? threadName : "outboxkit-inbox-" + consumerName;
      return new InboxKafkaRunner(loop, name, shutdownTimeout);
    }

    private static Duration positive(String setting, @Nullable Duration value) {
      if (value == null || value.isNegative() || value.isZero()) {
        throw new OutboxConfigurationException("inbox runner " + setting + " is " + value
            + ": set a positive duration");
      }
      return value;
    }

    private static boolean isByteArrayDeserializer(Object value) {
      return value == ByteArrayDeserializer.class || ByteArrayDeserializer.class.getName().equals(value.toString())
          || (value instanceof Class<?> c && c.getName().equals(ByteArrayDeserializer.class.getName()));
    }
  }
}
