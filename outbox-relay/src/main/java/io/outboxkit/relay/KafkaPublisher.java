package io.outboxkit.relay;

import io.outboxkit.core.DeadLetterHeaders;
import io.outboxkit.core.InvalidEventException;
import io.outboxkit.core.internal.DeadLetterHeaderValues;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.errors.InvalidTopicException;
import org.apache.kafka.common.errors.RecordBatchTooLargeException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.internals.Topic;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends a batch of events and returns only when the broker acknowledged every one of them, or took it on
 * the dead-letter topic. Retriable failures are sent again with exponential backoff, for as long as it
 * takes; nothing is committed meanwhile. Used by the engine's consumer thread; {@link #stop()} may be
 * called from any thread.
 */
final class KafkaPublisher implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(KafkaPublisher.class);

  static final Duration INITIAL_BACKOFF = Duration.ofMillis(100);
  static final Duration MAX_BACKOFF = Duration.ofSeconds(10);

  private final RelaySettings settings;
  private final Metrics metrics;
  private final Consumer<@Nullable String> retryListener;
  private final CountDownLatch stopSignal = new CountDownLatch(1);
  private volatile boolean stopping;
  private volatile @Nullable KafkaProducer<byte[], byte[]> producer;
  /** When the current wait for acknowledgements began (System.nanoTime), 0 when not waiting. */
  private volatile long waitingSince;
  private volatile int waitingFor;
  /** Topic names checked with Kafka's own rules; used by the consumer thread only. */
  private final Set<String> validTopics = new HashSet<>();

  KafkaPublisher(RelaySettings settings, Metrics metrics, Consumer<@Nullable String> retryListener) {
    this.settings = settings;
    this.metrics = metrics;
    this.retryListener = retryListener;
    this.producer = newProducer();
  }

  /** The relay's producer defaults, published as {@link OutboxRelay#DEFAULT_PRODUCER_PROPERTIES}. */
  static final Map<String, String> DEFAULT_PROPERTIES = defaults();

  private static Map<String, String> defaults() {
    Map<String, String> defaults = new LinkedHashMap<>();
    defaults.put(ProducerConfig.ACKS_CONFIG, "all");
    defaults.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
    defaults.put(ProducerConfig.LINGER_MS_CONFIG, "5");
    defaults.put(ProducerConfig.BATCH_SIZE_CONFIG, Integer.toString(256 * 1024));
    defaults.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
    defaults.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, "10000");
    return Collections.unmodifiableMap(defaults);
  }

  /**
   * The producer configuration: the relay's defaults, then the user's properties, then what the relay
   * owns. Each default is explained in the module's README.
   */
  static Map<String, Object> producerConfig(RelaySettings settings) {
    Map<String, Object> config = new LinkedHashMap<>(DEFAULT_PROPERTIES);
    config.put(ProducerConfig.CLIENT_ID_CONFIG, "outboxkit-relay-" + settings.slotName());
    config.putAll(settings.producerProperties());
    config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, settings.bootstrapServers());
    config.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    config.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    return config;
  }

  private KafkaProducer<byte[], byte[]> newProducer() {
    return new KafkaProducer<>(producerConfig(settings));
  }

  /**
   * Publishes the events in order and sends the invalid ones to the dead-letter topic. Returns when all
   * were acknowledged.
   *
   * @throws InterruptedException if the relay is stopping; then nothing of this batch may be committed
   */
  void publish(List<RecordMapper.Event> events, List<RecordMapper.Invalid> invalid) throws InterruptedException {
    List<RecordMapper.Event> pending = events;
    int attempt = 0;
    while (!pending.isEmpty()) {
      KafkaProducer<byte[], byte[]> current = currentProducer();
      List<Future<RecordMetadata>> futures = new ArrayList<>(pending.size());
      for (int i = 0; i < pending.size(); i++) {
        ProducerRecord<byte[], byte[]> record = pending.get(i).record();
        Future<RecordMetadata> future = settings.deadLetterTopic().equals(record.topic())
            ? CompletableFuture.failedFuture(deadLetterTopicConflict(record.topic())) : send(current, record);
        futures.add(future);
        Throwable refused = future.isDone() ? failure(future) : null;
        if (refused != null && !isPermanent(refused)) {
          // not even buffered (no metadata within max.block.ms, ...): sending the rest now could put a later
          // event of the same aggregate before this one, so the rest of the batch waits for the next attempt
          for (int j = i + 1; j < pending.size(); j++) {
            futures.add(CompletableFuture.failedFuture(new NotSentException(refused)));
          }
          break;
        }
      }
      flush(current, pending.size());
      long now = System.currentTimeMillis();
      List<RecordMapper.Event> retry = null;
      Throwable lastFailure = null;
      boolean replace = false;
      int acknowledged = 0;
      for (int i = 0; i < pending.size(); i++) {
        RecordMapper.Event event = pending.get(i);
        Throwable failure = failure(futures.get(i));
        if (failure == null) {
          acknowledged++;
          if (event.commitMillis() > 0) {
            metrics.commitToAck(now - event.commitMillis());
          }
        } else if (isPermanent(failure)) {
          deadLetter(event.record(), event.eventId(), DeadLetterHeaders.REASON_UNPUBLISHABLE, failure);
        } else {
          if (retry == null) {
            retry = new ArrayList<>();
          }
          retry.add(event);
          if (lastFailure == null || lastFailure instanceof NotSentException) {
            lastFailure = failure; // the first failure that says why, rather than a record held back after it
          }
          replace |= !(failure instanceof RetriableException);
        }
      }
      metrics.relayed(acknowledged);
      if (retry == null) {
        pending = List.of();
      } else {
        attempt++;
        long backoff = backoffMillis(attempt);
        String reason = "the broker did not acknowledge " + retry.size() + " of " + pending.size()
            + " record(s): " + describe(lastFailure) + advice(lastFailure) + "; retrying (attempt " + attempt + ")";
        log.warn("{}; next attempt in {} ms, first event {} for topic {}; offsets are not committed meanwhile",
            reason, backoff, retry.get(0).eventId(), retry.get(0).record().topic());
        retryListener.accept(reason);
        metrics.retried(retry.size());
        if (replace) {
          replaceProducer(lastFailure);
        }
        pause(backoff);
        pending = retry;
      }
    }
    if (attempt > 0) {
      log.info("all records of the batch acknowledged after {} retry attempt(s)", attempt);
      retryListener.accept(null);
    }
    for (RecordMapper.Invalid bad : invalid) {
      ProducerRecord<byte[], byte[]> raw = new ProducerRecord<>(settings.deadLetterTopic(), null, bad.key(),
          bad.content(), new RecordHeaders());
      deadLetter(raw, bad.eventId(), DeadLetterHeaders.REASON_INVALID_EVENT,
          new InvalidEventException(bad.reason()));
    }
  }

  /**
   * An event whose topic is the dead-letter topic (its aggregate type is the dead-letter topic's name after the
   * topic prefix) is never published there as an event: it goes there as a dead letter, with this reason.
   */
  private InvalidTopicException deadLetterTopicConflict(String topic) {
    return new InvalidTopicException("topic " + topic + " of aggregate type '"
        + topic.substring(Math.min(settings.topicPrefix().length(), topic.length())) + "' is the relay's dead-letter"
        + " topic, so the event is not published there as an event: set another deadLetterTopic(..) or"
        + " topicPrefix(..), or use another aggregate type, and write the event again");
  }

  /**
   * Sends one record to the dead-letter topic with the {@link DeadLetterHeaders}, and waits for its
   * acknowledgement (retrying as above).
   */
  private void deadLetter(ProducerRecord<byte[], byte[]> original, @Nullable String eventId, String reason,
      Throwable error) throws InterruptedException {
    RecordHeaders headers = new RecordHeaders();
    for (Header header : original.headers()) {
      if (!DeadLetterHeaderValues.isDeadLetterHeader(header.key())) {
        headers.add(header);
      }
    }
    DeadLetterHeaderValues values = new DeadLetterHeaderValues(reason, error);
    boolean isRaw = DeadLetterHeaders.REASON_INVALID_EVENT.equals(reason);
    if (!isRaw) {
      values.originalTopic(original.topic());
    }
    values.eventId(eventId);
    byte[] value = original.value();
    if (value != null && (error instanceof RecordTooLargeException || error instanceof RecordBatchTooLargeException)) {
      values.valueSize(value.length);
      value = null;
    }
    values.values().forEach((name, text) -> headers.add(name, utf8(text)));
    ProducerRecord<byte[], byte[]> record =
        new ProducerRecord<>(settings.deadLetterTopic(), null, original.key(), value, headers);
    int attempt = 0;
    while (true) {
      KafkaProducer<byte[], byte[]> current = currentProducer();
      Future<RecordMetadata> future = send(current, record);
      flush(current, 1);
      Throwable failure = failure(future);
      if (failure == null) {
        RecordMetadata metadata = future.isDone() ? metadataOf(future) : null;
        log.error("event {} could not be published to topic {} and was sent to dead-letter topic {}{}: {}",
            eventId, isRaw ? "(unknown)" : original.topic(), settings.deadLetterTopic(),
            metadata == null ? "" : " (partition " + metadata.partition() + ", offset " + metadata.offset() + ")",
            describe(error));
        metrics.deadLettered(1);
        return;
      }
      attempt++;
      long backoff = backoffMillis(attempt);
      String message = "dead-letter topic " + settings.deadLetterTopic() + " did not take event " + eventId + ": "
          + describe(failure) + "; retrying (attempt " + attempt + ")";
      log.warn("{}; next attempt in {} ms; the relay waits: an event is never dropped", message, backoff);
      retryListener.accept(message);
      metrics.retried(1);
      if (!(failure instanceof RetriableException)) {
        replaceProducer(failure);
      }
      pause(backoff);
    }
  }

  private static @Nullable RecordMetadata metadataOf(Future<RecordMetadata> future) {
    try {
      return future.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    } catch (ExecutionException e) {
      return null;
    }
  }

  /**
   * What the publisher is waiting for, when it has waited for the broker's acknowledgements longer than
   * {@code thresholdMillis}; null otherwise.
   */
  @Nullable String waiting(long thresholdMillis) {
    long since = waitingSince;
    if (since == 0) {
      return null;
    }
    long millis = (System.nanoTime() - since) / 1_000_000;
    return millis < thresholdMillis ? null
        : "waiting " + millis / 1000 + " s for the broker to acknowledge " + waitingFor
            + " record(s) (the producer retries; offsets are not committed meanwhile)";
  }

  /** Rejections that will not change on retry: the record goes to the dead-letter topic. */
  static boolean isPermanent(Throwable failure) {
    return failure instanceof RecordTooLargeException
        || failure instanceof RecordBatchTooLargeException
        || failure instanceof InvalidTopicException;
  }

  private KafkaProducer<byte[], byte[]> currentProducer() throws InterruptedException {
    checkStopping();
    KafkaProducer<byte[], byte[]> current = producer;
    if (current == null) {
      current = newProducer();
      producer = current;
    }
    return current;
  }

  private Future<RecordMetadata> send(KafkaProducer<byte[], byte[]> current, ProducerRecord<byte[], byte[]> record)
      throws InterruptedException {
    if (!validTopics.contains(record.topic())) {
      try {
        Topic.validate(record.topic());
        if (validTopics.size() < 10_000) {
          validTopics.add(record.topic());
        }
      } catch (InvalidTopicException e) {
        // refused here: handed to the producer, the name would stay in its metadata and be logged as an error
        // at every metadata refresh from then on
        return CompletableFuture.failedFuture(e);
      }
    }
    try {
      return current.send(record);
    } catch (InterruptException e) {
      throw stoppedOrInterrupted();
    } catch (KafkaException | IllegalStateException e) {
      if (stopping) {
        throw stoppedOrInterrupted();
      }
      return CompletableFuture.failedFuture(e);
    }
  }

  private void flush(KafkaProducer<byte[], byte[]> current, int records) throws InterruptedException {
    waitingFor = records;
    waitingSince = System.nanoTime();
    try {
      current.flush();
    } catch (InterruptException e) {
      throw stoppedOrInterrupted();
    } catch (KafkaException | IllegalStateException e) {
      if (stopping) {
        throw stoppedOrInterrupted();
      }
      log.debug("flush failed: {}", e.toString());
    } finally {
      waitingSince = 0;
    }
    checkStopping();
  }

  private static @Nullable Throwable failure(Future<RecordMetadata> future) throws InterruptedException {
    try {
      future.get(5, TimeUnit.MINUTES);
      return null;
    } catch (ExecutionException e) {
      return e.getCause() == null ? e : e.getCause();
    } catch (java.util.concurrent.TimeoutException e) {
      return new org.apache.kafka.common.errors.TimeoutException("no acknowledgement after flush", e);
    }
  }

  private void replaceProducer(@Nullable Throwable cause) {
    KafkaProducer<byte[], byte[]> old = producer;
    producer = null;
    log.warn("closing the Kafka producer after a non-retriable failure ({}); a new one is created for the retry",
        describe(cause));
    if (old != null) {
      try {
        old.close(Duration.ofSeconds(5));
      } catch (RuntimeException e) {
        log.debug("closing the failed producer: {}", e.toString());
      }
    }
  }

  private void pause(long millis) throws InterruptedException {
    if (stopSignal.await(millis, TimeUnit.MILLISECONDS)) {
      throw stoppedOrInterrupted();
    }
  }

  private void checkStopping() throws InterruptedException {
    if (stopping) {
      throw stoppedOrInterrupted();
    }
  }

  private static InterruptedException stoppedOrInterrupted() {
    return new InterruptedException("the relay is stopping: the batch is not committed and is sent again on restart");
  }

  static long backoffMillis(int attempt) {
    long millis = INITIAL_BACKOFF.toMillis() << Math.min(attempt - 1, 16);
    return Math.min(millis, MAX_BACKOFF.toMillis());
  }

  /** Makes the publisher give up: the current batch ends with {@link InterruptedException}, nothing is committed. */
  void stop() {
    stopping = true;
    stopSignal.countDown();
  }

  /** Stops and aborts in-flight sends at once: for a close that cannot wait for an unreachable broker. */
  void abort() {
    stop();
    KafkaProducer<byte[], byte[]> current = producer;
    if (current != null) {
      log.warn("aborting unacknowledged sends: the broker did not answer within the close grace period; the "
          + "unacknowledged batch is sent again on the next start");
      current.close(Duration.ZERO);
    }
  }

  @Override
  public void close() {
    stop();
    KafkaProducer<byte[], byte[]> current = producer;
    producer = null;
    if (current != null) {
      current.close(Duration.ofSeconds(10));
    }
  }

  private static String describe(@Nullable Throwable failure) {
    if (failure == null) {
      return "unknown failure";
    }
    if (failure instanceof InvalidEventException invalid) {
      return invalid.getMessage();
    }
    return failure.getClass().getSimpleName() + ": " + failure.getMessage();
  }

  /** What to change, for failures that a setting or a grant on the broker's side ends. */
  private static String advice(@Nullable Throwable failure) {
    if (failure instanceof AuthenticationException) {
      return " (the broker refused the relay's login: check the producer properties security.protocol, "
          + "sasl.mechanism and sasl.jaas.config, or ssl.*)";
    }
    if (failure instanceof AuthorizationException) {
      return " (the relay's user may not do this: grant it WRITE and DESCRIBE on the topics it publishes to, "
          + "the dead-letter topic included, and IDEMPOTENT_WRITE on the cluster for brokers older than 2.8)";
    }
    return "";
  }

  private static byte[] utf8(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  /** A record held back because an earlier record of its batch could not be handed to the producer. */
  private static final class NotSentException extends RetriableException {
    private static final long serialVersionUID = 1L;

    NotSentException(Throwable earlier) {
      super("not sent: an earlier record of the batch was refused (" + describe(earlier) + ")");
    }
  }
}
