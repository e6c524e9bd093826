package io.outboxkit.relay;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.InvalidTopicException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes a batch of events and returns only when the broker acknowledged every one of them, or took it on
 * the dead-letter topic. Events are handed to the producer in their order; those that fail are sent again in
 * their order, after a backoff ({@link Backoff#PUBLISHING}: 100 ms doubling to 10 s), for as long as it
 * takes; nothing is committed meanwhile. What a failure calls for is decided by {@link SendFailures}, the
 * sending by {@link RecordSender}, the dead letters by {@link DeadLetters}.
 *
 * <p>Used by the engine's consumer thread (or a recovery's); {@link #stop()}, {@link #abort()} and {@link
 * #waiting(long)} may be called from any thread.
 */
final class KafkaPublisher implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(KafkaPublisher.class);

  /** The relay's producer defaults, published as {@link OutboxRelay#DEFAULT_PRODUCER_PROPERTIES}. */
  static final Map<String, String> DEFAULT_PROPERTIES = defaults();

  private final RelaySettings settings;
  private final Metrics metrics;
  private final Consumer<@Nullable String> retryListener;
  private final Backoff backoff;
  private final RecordSender sender;
  private final DeadLetters deadLetters;
  private final PublishTracing tracing;

  /**
   * A publisher with a Kafka producer configured by {@link #producerConfig(RelaySettings)}.
   *
   * @param retryListener told why the publisher retries, and null once it no longer does
   * @throws org.apache.kafka.common.KafkaException if Kafka refuses the producer configuration
   */
  KafkaPublisher(RelaySettings settings, Metrics metrics, Consumer<@Nullable String> retryListener,
      PublishTracing tracing) {
    this(settings, metrics, retryListener, () -> new KafkaProducer<>(producerConfig(settings)),
        Backoff.PUBLISHING, tracing);
  }

  KafkaPublisher(RelaySettings settings, Metrics metrics, Consumer<@Nullable String> retryListener,
      Supplier<Producer<byte[], byte[]>> producers, Backoff backoff) {
    this(settings, metrics, retryListener, producers, backoff, PublishTracing.NONE);
  }

  KafkaPublisher(RelaySettings settings, Metrics metrics, Consumer<@Nullable String> retryListener,
      Supplier<Producer<byte[], byte[]>> producers, Backoff backoff, PublishTracing tracing) {
    this.settings = settings;
    this.tracing = tracing;
    this.metrics = metrics;
    this.retryListener = retryListener;
    this.backoff = backoff;
    this.sender = new RecordSender(producers);
    this.deadLetters = new DeadLetters(settings, sender, backoff, metrics, retryListener);
  }

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
    config.put(ProducerConfig.CLIENT_ID_CONFIG, "outboxkit-relay-" + settings.replicationSlot());
    config.putAll(settings.producerProperties());
    config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, settings.bootstrapServers());
    config.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    config.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    return config;
  }

  /**
   * Publishes the events in order and sends the invalid ones to the dead-letter topic. Returns when all
   * were acknowledged.
   *
   * @throws InterruptedException if the relay is stopping; then nothing of this batch may be committed
   */
  void publish(List<RecordMapper.Event> events, List<RecordMapper.Invalid> invalid) throws InterruptedException {
    Map<RecordMapper.Event, PublishTracing.PublishSpan> spans = startSpans(events);
    try {
      publish(events, spans);
    } finally {
      if (spans != null) {
        for (PublishTracing.PublishSpan span : spans.values()) {
          span.abandoned(); // only those neither acknowledged nor dead-lettered are left
        }
      }
    }
    for (RecordMapper.Invalid bad : invalid) {
      deadLetters.invalid(bad);
    }
  }

  /** The producer spans of the events that carry a trace context; null when there are none. */
  private @Nullable Map<RecordMapper.Event, PublishTracing.PublishSpan> startSpans(List<RecordMapper.Event> events) {
    if (tracing == PublishTracing.NONE) {
      return null;
    }
    Map<RecordMapper.Event, PublishTracing.PublishSpan> spans = null;
    for (RecordMapper.Event event : events) {
      PublishTracing.PublishSpan span = tracing.start(event);
      if (span != null) {
        if (spans == null) {
          spans = new IdentityHashMap<>();
        }
        spans.put(event, span);
      }
    }
    return spans;
  }

  private void publish(List<RecordMapper.Event> events,
      @Nullable Map<RecordMapper.Event, PublishTracing.PublishSpan> spans) throws InterruptedException {
    List<RecordMapper.Event> pending = events;
    Backoff.Attempts attempts = null;
    while (!pending.isEmpty()) {
      List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>(pending.size());
      for (RecordMapper.Event event : pending) {
        records.add(event.record());
      }
      List<RecordSender.Outcome> outcomes = sender.sendInOrder(records, this::refusal);
      long now = System.currentTimeMillis();
      List<RecordMapper.Event> retry = null;
      Throwable lastFailure = null;
      boolean replace = false;
      int acknowledged = 0;
      for (int i = 0; i < pending.size(); i++) {
        RecordMapper.Event event = pending.get(i);
        Throwable failure = outcomes.get(i).failure();
        if (failure == null) {
          acknowledged++;
          if (spans != null) {
            PublishTracing.PublishSpan span = spans.remove(event);
            if (span != null) {
              span.acknowledged(outcomes.get(i).metadata());
            }
          }
          if (event.commitMillis() > 0) {
            metrics.commitToAck(now - event.commitMillis());
          }
          continue;
        }
        SendFailures.Handling handling = SendFailures.handling(failure);
        if (handling == SendFailures.Handling.DEAD_LETTER) {
          deadLetters.unpublishable(event, failure);
          if (spans != null) {
            PublishTracing.PublishSpan span = spans.remove(event);
            if (span != null) {
              span.deadLettered(failure);
            }
          }
          continue;
        }
        if (retry == null) {
          retry = new ArrayList<>();
        }
        retry.add(event);
        if (lastFailure == null || SendFailures.isHeldBack(lastFailure)) {
          lastFailure = failure; // the first failure that says why, rather than a record held back after it
        }
        replace |= handling == SendFailures.Handling.RETRY_WITH_NEW_PRODUCER;
      }
      metrics.relayed(acknowledged);
      if (retry == null) {
        pending = List.of();
      } else {
        if (attempts == null) {
          attempts = backoff.start();
        }
        attempts.failed();
        Duration delay = attempts.delay();
        String reason = "the broker did not acknowledge " + retry.size() + " of " + pending.size()
            + " record(s): " + SendFailures.describe(lastFailure) + SendFailures.advice(lastFailure)
            + "; retrying (attempt " + attempts.count() + ")";
        log.warn("{}; next attempt in {} ms, first event {} for topic {}; offsets are not committed meanwhile",
            reason, delay.toMillis(), retry.get(0).eventId(), retry.get(0).record().topic());
        retryListener.accept(reason);
        metrics.retried(retry.size());
        if (replace) {
          sender.replaceProducer(lastFailure);
        }
        sender.pause(delay);
        pending = retry;
      }
    }
    if (attempts != null) {
      log.info("all records of the batch acknowledged after {} retry attempt(s)", attempts.count());
      retryListener.accept(null);
    }
  }

  /**
   * An event whose topic is the dead-letter topic (its aggregate type is the dead-letter topic's name after the
   * topic prefix) is never published there as an event: it goes there as a dead letter, with this reason.
   */
  private @Nullable Exception refusal(ProducerRecord<byte[], byte[]> record) {
    String topic = record.topic();
    if (!settings.deadLetterTopic().equals(topic)) {
      return null;
    }
    return new InvalidTopicException(settings.say("topic " + topic + " of aggregate type '"
        + topic.substring(Math.min(settings.topicPrefix().length(), topic.length())) + "' is the relay's dead-letter"
        + " topic, so the event is not published there as an event: set another deadLetterTopic(..) or"
        + " topicPrefix(..), or use another aggregate type, and write the event again"));
  }

  /**
   * What the publisher is waiting for, when it has waited for the broker's acknowledgements longer than
   * {@code thresholdMillis}; null otherwise.
   */
  @Nullable String waiting(long thresholdMillis) {
    return sender.waiting(thresholdMillis);
  }

  /** Makes the publisher give up: the current batch ends with {@link InterruptedException}, nothing is committed. */
  void stop() {
    sender.stop();
  }

  /** Stops and aborts in-flight sends at once: for a close that cannot wait for an unreachable broker. */
  void abort() {
    sender.abort();
  }

  @Override
  public void close() {
    sender.close();
  }
}
