package io.outboxkit.relay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.outboxkit.core.DeadLetterHeaders;
import io.outboxkit.core.OutboxHeaders;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.errors.NotEnoughReplicasException;
import org.apache.kafka.common.errors.NotLeaderOrFollowerException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The publisher against Kafka's {@link MockProducer}, whose broker answers each record as a test scripts it:
 * acknowledged, failed (retriable or not, or for good) or refused before it is even buffered.
 */
class KafkaPublisherTest {

  private static final String DLQ = "relay.dlq";

  private final RelaySettings settings = RelaySettings.from(OutboxRelay.builder()
      .database("db.example", 5432, "orders").username("relay").bootstrapServers("k:9092").replicationSlot("s")
      .topicPrefix("orders.").deadLetterTopic(DLQ));
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final List<String> reasons = Collections.synchronizedList(new ArrayList<>());
  private final FakeBroker broker = new FakeBroker();
  private final ExecutorService background = Executors.newSingleThreadExecutor();
  private KafkaPublisher publisher = publisher(Backoff.PUBLISHING);

  @AfterEach
  void closePublisher() {
    publisher.close();
    background.shutdownNow();
  }

  @Test
  void aBatchIsSentInOrderAndPublishReturnsOnceTheBrokerAcknowledgedEveryRecord() throws Exception {
    publisher.publish(List.of(event("order", "o-1", "e1"), event("order", "o-2", "e2"), event("order", "o-1", "e3")),
        List.of());

    assertThat(broker.acknowledgedIds()).containsExactly("orders.order/e1", "orders.order/e2", "orders.order/e3");
    assertThat(broker.producers).hasSize(1);
    assertThat(reasons).isEmpty();
    assertThat(counter("outboxkit.relay.events")).isEqualTo(3);
    assertThat(registry.get("outboxkit.relay.commit.to.ack").timer().count()).isEqualTo(3);
    assertThat(registry.find("outboxkit.relay.retries").counter()).satisfiesAnyOf(
        retries -> assertThat(retries).isNull(), retries -> assertThat(retries.count()).isZero());
  }

  @Test
  void retriableFailuresAreSentAgainInTheirOrderByTheSameProducerSoEachKeyKeepsItsOrder() throws Exception {
    broker.fail("orders.order/e2", new NotLeaderOrFollowerException("leader moved"));
    broker.fail("orders.order/e4", new NotLeaderOrFollowerException("leader moved"));

    publisher.publish(List.of(event("order", "A", "e1"), event("order", "B", "e2"), event("order", "A", "e3"),
        event("order", "B", "e4"), event("order", "A", "e5")), List.of());

    assertThat(broker.acknowledgedIds()).containsExactly("orders.order/e1", "orders.order/e3", "orders.order/e5",
        "orders.order/e2", "orders.order/e4");
    assertThat(broker.acknowledgedIdsOfKey("A")).containsExactly("e1", "e3", "e5");
    assertThat(broker.acknowledgedIdsOfKey("B")).containsExactly("e2", "e4");
    assertThat(broker.producers).as("a retriable failure keeps the producer").hasSize(1);
    assertThat(reasons).hasSize(2);
    assertThat(reasons.get(0)).startsWith("the broker did not acknowledge 2 of 5 record(s): "
        + "NotLeaderOrFollowerException: leader moved").endsWith("; retrying (attempt 1)");
    assertThat(reasons.get(1)).as("the status is cleared once all were acknowledged").isNull();
    assertThat(counter("outboxkit.relay.retries")).isEqualTo(2);
    assertThat(counter("outboxkit.relay.events")).isEqualTo(5);
  }

  @Test
  void aFailureKafkaDoesNotMarkRetriableIsSentAgainByANewProducerAndTheReasonSaysWhatToGrant() throws Exception {
    broker.fail("orders.order/e1", new TopicAuthorizationException("not authorized to access topics"));

    publisher.publish(List.of(event("order", "o-1", "e1")), List.of());

    assertThat(broker.acknowledgedIds()).containsExactly("orders.order/e1");
    assertThat(broker.producers).hasSize(2);
    assertThat(broker.producers.get(0).closed()).as("the failed producer is closed").isTrue();
    assertThat(reasons.get(0)).contains("TopicAuthorizationException", "grant it WRITE and DESCRIBE");
  }

  @Test
  void aRecordTheProducerRefusesAtOnceHoldsBackTheRestOfItsBatch() throws Exception {
    broker.refuse("orders.order/e1", new TimeoutException("Topic orders.order not present in metadata after 10000 ms"));

    publisher.publish(List.of(event("order", "A", "e1"), event("order", "A", "e2"), event("payment", "B", "e3")),
        List.of());

    assertThat(broker.handedOver()).as("nothing was sent past the refused record; then all in their order")
        .containsExactly("orders.order/e1", "orders.order/e2", "orders.payment/e3");
    assertThat(broker.acknowledgedIds()).containsExactly("orders.order/e1", "orders.order/e2", "orders.payment/e3");
    assertThat(reasons.get(0)).as("the reason is the refusal, not the records held back after it")
        .startsWith("the broker did not acknowledge 3 of 3 record(s): "
            + "TimeoutException: Topic orders.order not present");
  }

  @Test
  void aRecordTooLargeGoesToTheDeadLetterTopicWithTheContractHeadersAndTheBatchGoesOn() throws Exception {
    broker.fail("orders.order/e2", new RecordTooLargeException("The message is 2097264 bytes when serialized"));
    RecordHeaders headers = new RecordHeaders();
    headers.add("tenant", utf8("acme"));
    headers.add(DeadLetterHeaders.REASON, utf8("stale value from an earlier dead letter"));
    RecordMapper.Event large = event("order", "o-1", "e2", "{\"blob\": \"xxxxxxxx\"}", headers);

    publisher.publish(List.of(event("order", "o-1", "e1"), large, event("order", "o-1", "e3")), List.of());

    assertThat(broker.acknowledgedIds()).containsExactly("orders.order/e1", "orders.order/e3", DLQ + "/e2");
    ProducerRecord<byte[], byte[]> dead = broker.acknowledged(DLQ + "/e2");
    assertThat(text(dead.key())).isEqualTo("o-1");
    assertThat(dead.value()).as("the value would be refused again").isNull();
    assertThat(deadLetterHeaders(dead)).containsOnly(
        Map.entry(DeadLetterHeaders.REASON, DeadLetterHeaders.REASON_UNPUBLISHABLE),
        Map.entry(DeadLetterHeaders.ERROR_CLASS, RecordTooLargeException.class.getName()),
        Map.entry(DeadLetterHeaders.ERROR_MESSAGE, "The message is 2097264 bytes when serialized"),
        Map.entry(DeadLetterHeaders.ORIGINAL_TOPIC, "orders.order"),
        Map.entry(DeadLetterHeaders.EVENT_ID, "e2"),
        Map.entry(DeadLetterHeaders.VALUE_SIZE, Integer.toString(large.record().value().length)));
    assertThat(header(dead, OutboxHeaders.ID)).isEqualTo("e2");
    assertThat(header(dead, OutboxHeaders.EVENT_TYPE)).isEqualTo("Happened");
    assertThat(header(dead, "tenant")).isEqualTo("acme");
    assertThat(headerCount(dead, DeadLetterHeaders.REASON)).as("an earlier dead-letter header is replaced").isOne();
    assertThat(reasons).as("a dead letter is no retry").isEmpty();
    assertThat(counter("outboxkit.relay.events")).isEqualTo(2);
    assertThat(counter("outboxkit.relay.dead.letters")).isEqualTo(1);
  }

  @Test
  void anEventWithATopicNameKafkaRefusesIsDeadLetteredWithItsValueAndNeverHandedToTheProducer() throws Exception {
    publisher.publish(List.of(event("not a topic!", "x-1", "e1"), event("order", "o-1", "e2")), List.of());

    assertThat(broker.handedOver()).containsExactly("orders.order/e2", DLQ + "/e1");
    ProducerRecord<byte[], byte[]> dead = broker.acknowledged(DLQ + "/e1");
    assertThat(text(dead.value())).isEqualTo("{\"n\": 1}");
    assertThat(deadLetterHeaders(dead)).containsEntry(DeadLetterHeaders.ERROR_CLASS,
            org.apache.kafka.common.errors.InvalidTopicException.class.getName())
        .containsEntry(DeadLetterHeaders.ORIGINAL_TOPIC, "orders.not a topic!")
        .doesNotContainKey(DeadLetterHeaders.VALUE_SIZE);
  }

  @Test
  void anEventWhoseTopicIsTheDeadLetterTopicGoesThereOnlyAsADeadLetter() throws Exception {
    RelaySettings colliding = RelaySettings.from(OutboxRelay.builder()
        .database("db.example", 5432, "orders").username("relay").bootstrapServers("k:9092").replicationSlot("s")
        .topicPrefix("outbox.").deadLetterTopic("outbox.dlq"));
    publisher.close();
    publisher = new KafkaPublisher(colliding, Metrics.NONE, reasons::add, broker::newProducer, Backoff.PUBLISHING);

    publisher.publish(List.of(event("outbox.", "dlq", "d-1", "e1")), List.of());

    assertThat(broker.handedOver()).containsExactly("outbox.dlq/e1");
    ProducerRecord<byte[], byte[]> dead = broker.acknowledged("outbox.dlq/e1");
    assertThat(header(dead, DeadLetterHeaders.REASON)).isEqualTo(DeadLetterHeaders.REASON_UNPUBLISHABLE);
    assertThat(header(dead, DeadLetterHeaders.ERROR_MESSAGE))
        .contains("of aggregate type 'dlq' is the relay's dead-letter topic", "deadLetterTopic(..)");
    assertThat(text(dead.value())).isEqualTo("{\"n\": 1}");
  }

  @Test
  void aChangeThatIsNoEventGoesToTheDeadLetterTopicWithItsRawContentAndNoTopic() throws Exception {
    RecordMapper.Invalid bad = new RecordMapper.Invalid("not an OutboxKit envelope: no aggregateType", "e9",
        utf8("k-9"), utf8("{\"broken\": true}"));

    publisher.publish(List.of(), List.of(bad));

    ProducerRecord<byte[], byte[]> dead = broker.acknowledged(DLQ + "/null");
    assertThat(text(dead.key())).isEqualTo("k-9");
    assertThat(text(dead.value())).isEqualTo("{\"broken\": true}");
    assertThat(deadLetterHeaders(dead)).containsOnly(
        Map.entry(DeadLetterHeaders.REASON, DeadLetterHeaders.REASON_INVALID_EVENT),
        Map.entry(DeadLetterHeaders.ERROR_CLASS, io.outboxkit.core.InvalidEventException.class.getName()),
        Map.entry(DeadLetterHeaders.ERROR_MESSAGE, "not an OutboxKit envelope: no aggregateType"),
        Map.entry(DeadLetterHeaders.EVENT_ID, "e9"));
  }

  @Test
  void aDeadLetterTheBrokerDoesNotTakeIsSentAgainUntilItDoes() throws Exception {
    broker.fail("orders.order/e1", new RecordTooLargeException("too large"));
    broker.fail(DLQ + "/e1", new NotEnoughReplicasException("2 of 3 replicas"));

    publisher.publish(List.of(event("order", "o-1", "e1")), List.of());

    assertThat(broker.acknowledgedIds()).containsExactly(DLQ + "/e1");
    assertThat(broker.producers).hasSize(1);
    assertThat(reasons).containsExactly("dead-letter topic relay.dlq did not take event e1: "
        + "NotEnoughReplicasException: 2 of 3 replicas; retrying (attempt 1)");
    assertThat(counter("outboxkit.relay.dead.letters")).isEqualTo(1);
    assertThat(counter("outboxkit.relay.retries")).isEqualTo(1);
  }

  @Test
  void stopEndsABackoffAtOnceAndNothingOfTheBatchCountsAsPublished() throws Exception {
    publisher.close();
    publisher = publisher(new Backoff(Duration.ofMinutes(1), Duration.ofMinutes(1)));
    broker.fail("orders.order/e1", new NotLeaderOrFollowerException("leader moved"));
    KafkaPublisher stopped = publisher;
    Future<?> publishing = background.submit(() -> {
      stopped.publish(List.of(event("order", "o-1", "e1"), event("order", "o-2", "e2")), List.of());
      return null;
    });
    await("the first retry waits its minute").atMost(Duration.ofSeconds(10)).until(() -> !reasons.isEmpty());

    publisher.stop();

    assertThat(publishing).failsWithin(Duration.ofSeconds(5)).withThrowableOfType(ExecutionException.class)
        .havingCause().isInstanceOf(InterruptedException.class).withMessageContaining("not committed");
    assertThat(broker.acknowledgedIds()).containsExactly("orders.order/e2");
    assertThatThrownBy(() -> stopped.publish(List.of(event("order", "o-3", "e3")), List.of()))
        .as("a stopped publisher sends nothing more").isInstanceOf(InterruptedException.class);
    assertThat(broker.handedOver()).doesNotContain("orders.order/e3");
  }

  @Test
  void anInterruptedSendEndsTheBatchWithInterruptedException() {
    broker.interruptFlush = true;
    try {
      assertThatThrownBy(() -> publisher.publish(List.of(event("order", "o-1", "e1")), List.of()))
          .isInstanceOf(InterruptedException.class);
      assertThat(Thread.currentThread().isInterrupted()).as("Kafka's InterruptException keeps the flag set").isTrue();
    } finally {
      Thread.interrupted();
    }
    assertThat(broker.acknowledgedIds()).isEmpty();
  }

  @Test
  void whileTheBrokerTakesLongToAcknowledgeThePublisherSaysWhatItWaitsFor() throws Exception {
    broker.flushGate = new CountDownLatch(1);
    assertThat(publisher.waiting(0)).isNull();
    KafkaPublisher waiting = publisher;
    Future<?> publishing = background.submit(() -> {
      waiting.publish(List.of(event("order", "o-1", "e1"), event("order", "o-2", "e2")), List.of());
      return null;
    });

    await().atMost(Duration.ofSeconds(10)).until(() -> publisher.waiting(0) != null);
    assertThat(publisher.waiting(0)).startsWith("waiting 0 s for the broker to acknowledge 2 record(s)");
    assertThat(publisher.waiting(60_000)).as("not waiting long yet").isNull();
    broker.flushGate.countDown();

    assertThat(publishing).succeedsWithin(Duration.ofSeconds(5));
    assertThat(publisher.waiting(0)).isNull();
  }

  @Test
  void aProducerConfigurationKafkaRefusesFailsTheConstruction() {
    assertThatThrownBy(() -> new KafkaPublisher(settings, Metrics.NONE, reasons::add,
        () -> {
          throw new KafkaException("Failed to construct kafka producer");
        }, Backoff.PUBLISHING))
        .isInstanceOf(KafkaException.class).hasMessage("Failed to construct kafka producer");
  }

  @Test
  void closeClosesTheProducer() {
    publisher.close();
    assertThat(broker.producers).singleElement().satisfies(producer -> assertThat(producer.closed()).isTrue());
  }

  // ---- helpers ---------------------------------------------------------------------------------------

  private KafkaPublisher publisher(Backoff backoff) {
    return new KafkaPublisher(settings, Metrics.create(registry, "s"), reasons::add, broker::newProducer, backoff);
  }

  private double counter(String name) {
    return registry.get(name).counter().count();
  }

  private RecordMapper.Event event(String aggregateType, String key, String id) {
    return event(aggregateType, key, id, "{\"n\": 1}", new RecordHeaders());
  }

  private RecordMapper.Event event(String prefix, String aggregateType, String key, String id) {
    RecordHeaders headers = new RecordHeaders();
    headers.add(OutboxHeaders.ID, utf8(id));
    return new RecordMapper.Event(new ProducerRecord<>(prefix + aggregateType, null, utf8(key), utf8("{\"n\": 1}"),
        headers), id, 0);
  }

  private RecordMapper.Event event(String aggregateType, String key, String id, String payload,
      RecordHeaders extra) {
    RecordHeaders headers = new RecordHeaders();
    headers.add(OutboxHeaders.ID, utf8(id));
    headers.add(OutboxHeaders.EVENT_TYPE, utf8("Happened"));
    extra.forEach(headers::add);
    return new RecordMapper.Event(new ProducerRecord<>(settings.topicPrefix() + aggregateType, null, utf8(key),
        utf8(payload), headers), id, System.currentTimeMillis() - 5);
  }

  private static Map<String, String> deadLetterHeaders(ProducerRecord<byte[], byte[]> record) {
    Map<String, String> values = new HashMap<>();
    for (Header header : record.headers()) {
      if (header.key().startsWith(DeadLetterHeaders.PREFIX)) {
        values.put(header.key(), text(header.value()));
      }
    }
    return values;
  }

  private static String header(ProducerRecord<byte[], byte[]> record, String name) {
    Header header = record.headers().lastHeader(name);
    return header == null ? null : text(header.value());
  }

  private static int headerCount(ProducerRecord<byte[], byte[]> record, String name) {
    int count = 0;
    for (Header ignored : record.headers().headers(name)) {
      count++;
    }
    return count;
  }

  private static byte[] utf8(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  private static String text(byte[] bytes) {
    return bytes == null ? null : new String(bytes, StandardCharsets.UTF_8);
  }

  /** "topic/event id" of a record, the event id taken from its {@code id} header. */
  private static String name(ProducerRecord<byte[], byte[]> record) {
    return record.topic() + "/" + header(record, OutboxHeaders.ID);
  }

  /**
   * The brokers behind every producer the publisher creates: each record is acknowledged unless a failure was
   * scripted for it, by "topic/event id". A scripted failure answers one send; a refusal is thrown by the
   * producer's send itself, before the record is buffered.
   */
  private static final class FakeBroker {

    final List<MockProducer<byte[], byte[]>> producers = Collections.synchronizedList(new ArrayList<>());
    private final List<ProducerRecord<byte[], byte[]>> handedOver = Collections.synchronizedList(new ArrayList<>());
    private final List<ProducerRecord<byte[], byte[]>> acknowledged =
        Collections.synchronizedList(new ArrayList<>());
    private final Map<String, Deque<RuntimeException>> failures = new HashMap<>();
    private final Map<String, Deque<RuntimeException>> refusals = new HashMap<>();
    volatile boolean interruptFlush;
    volatile CountDownLatch flushGate = new CountDownLatch(0);

    synchronized void fail(String name, RuntimeException failure) {
      failures.computeIfAbsent(name, any -> new ArrayDeque<>()).add(failure);
    }

    synchronized void refuse(String name, RuntimeException failure) {
      refusals.computeIfAbsent(name, any -> new ArrayDeque<>()).add(failure);
    }

    private synchronized RuntimeException next(Map<String, Deque<RuntimeException>> script,
        ProducerRecord<byte[], byte[]> record) {
      Deque<RuntimeException> answers = script.get(name(record));
      if (answers == null || answers.isEmpty()) {
        return null;
      }
      return answers.poll();
    }

    List<String> handedOver() {
      synchronized (handedOver) {
        return handedOver.stream().map(KafkaPublisherTest::name).toList();
      }
    }

    List<String> acknowledgedIds() {
      synchronized (acknowledged) {
        return acknowledged.stream().map(KafkaPublisherTest::name).toList();
      }
    }

    List<String> acknowledgedIdsOfKey(String key) {
      synchronized (acknowledged) {
        return acknowledged.stream().filter(r -> key.equals(text(r.key())))
            .map(r -> header(r, OutboxHeaders.ID)).toList();
      }
    }

    ProducerRecord<byte[], byte[]> acknowledged(String name) {
      synchronized (acknowledged) {
        return acknowledged.stream().filter(r -> name.equals(name(r))).findFirst()
            .orElseThrow(() -> new AssertionError(name + " was not acknowledged; acknowledged: " + acknowledgedIds()));
      }
    }

    Producer<byte[], byte[]> newProducer() {
      ScriptedProducer producer = new ScriptedProducer();
      producers.add(producer);
      return producer;
    }

    /** A producer that answers at flush, record by record, as the broker's script says. */
    private final class ScriptedProducer extends MockProducer<byte[], byte[]> {

      private final List<ProducerRecord<byte[], byte[]>> unanswered = new ArrayList<>();

      ScriptedProducer() {
        super(false, null, new ByteArraySerializer(), new ByteArraySerializer());
      }

      @Override
      public synchronized Future<RecordMetadata> send(ProducerRecord<byte[], byte[]> record, Callback callback) {
        RuntimeException refused = next(refusals, record);
        if (refused != null) {
          throw refused;
        }
        Future<RecordMetadata> future = super.send(record, callback);
        handedOver.add(record);
        unanswered.add(record);
        return future;
      }

      @Override
      public synchronized void flush() {
        try {
          if (!flushGate.await(30, TimeUnit.SECONDS)) {
            throw new AssertionError("the test did not open the flush gate");
          }
        } catch (InterruptedException e) {
          throw new InterruptException(e);
        }
        if (interruptFlush) {
          throw new InterruptException("flush interrupted");
        }
        for (ProducerRecord<byte[], byte[]> record : unanswered) {
          RuntimeException failure = next(failures, record);
          if (failure == null) {
            completeNext();
            acknowledged.add(record);
          } else {
            errorNext(failure);
          }
        }
        unanswered.clear();
      }
    }
  }
}
