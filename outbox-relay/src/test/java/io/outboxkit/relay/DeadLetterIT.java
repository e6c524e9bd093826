package io.outboxkit.relay;

import static io.outboxkit.relay.RelayFixture.header;
import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.outboxkit.core.DeadLetterHeaders;
import io.outboxkit.core.OutboxHeaders;
import io.outboxkit.test.OutboxIntegrationTest;
import io.outboxkit.test.TestDatabase;
import io.outboxkit.test.TestKafka;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

/**
 * Guarantee 5: an event the broker rejects for good goes to the dead-letter topic with the reason, the
 * intended topic and the event id, and the relay goes on with the next events. An event whose topic would be
 * the dead-letter topic goes there as a dead letter, never as an event.
 */
@OutboxIntegrationTest
class DeadLetterIT {

  @Test
  void rejectedEventsGoToTheDeadLetterTopicAndTheRelayGoesOn(TestDatabase db, TestKafka kafka) throws Exception {
    RelayFixture.installSchema(db);
    String prefix = kafka.newTopic("dlq") + ".";
    // the dead-letter topic the relay had by default before: also the topic of aggregate type "dlq"
    String deadLetterTopic = prefix + "dlq";
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    UUID tooLarge = UUID.randomUUID();
    UUID badTopic = UUID.randomUUID();
    UUID deadLetterTopicsType = UUID.randomUUID();
    UUID before = UUID.randomUUID();
    UUID after = UUID.randomUUID();
    String hugePayload = "{\"blob\": \"" + "x".repeat(2 * 1024 * 1024) + "\"}";

    try (OutboxRelay relay = RelayFixture.relay(db, kafka, prefix).deadLetterTopic(deadLetterTopic)
        .meterRegistry(registry).build()) {
      relay.start();
      RelayFixture.awaitActive(relay);
      RelayFixture.inTransaction(db, c -> {
        RecordFormatIT.insert(c, before, "order", "o-1", "OrderCreated", "{\"n\": 1}", null, null);
        RecordFormatIT.insert(c, tooLarge, "order", "o-1", "OrderHuge", hugePayload, null, "{\"tenant\": \"acme\"}");
        RecordFormatIT.insert(c, badTopic, "not a topic!", "x-1", "Weird", "{\"n\": 2}", null, null);
        RecordFormatIT.insert(c, deadLetterTopicsType, "dlq", "d-1", "Collides", "{\"n\": 4}", null, null);
        RecordFormatIT.insert(c, after, "order", "o-1", "OrderShipped", "{\"n\": 3}", null, null);
      });

      List<ConsumerRecord<byte[], byte[]>> dead = kafka.readRecords(deadLetterTopic, 3, RelayFixture.TIMEOUT);
      Map<String, ConsumerRecord<byte[], byte[]>> byId = dead.stream()
          .collect(Collectors.toMap(r -> header(r, DeadLetterHeaders.EVENT_ID), r -> r));
      assertThat(byId.keySet()).containsExactlyInAnyOrder(tooLarge.toString(), badTopic.toString(),
          deadLetterTopicsType.toString());
      assertThat(dead).allSatisfy(r -> {
        assertThat(header(r, DeadLetterHeaders.REASON)).isEqualTo(DeadLetterHeaders.REASON_UNPUBLISHABLE);
        assertThat(header(r, DeadLetterHeaders.ERROR_MESSAGE)).isNotBlank();
      });

      ConsumerRecord<byte[], byte[]> large = byId.get(tooLarge.toString());
      assertThat(header(large, DeadLetterHeaders.ERROR_CLASS))
          .isEqualTo("org.apache.kafka.common.errors.RecordTooLargeException");
      assertThat(header(large, DeadLetterHeaders.ORIGINAL_TOPIC)).isEqualTo(prefix + "order");
      assertThat(header(large, DeadLetterHeaders.VALUE_SIZE)).isEqualTo(Integer.toString(hugePayload.length()));
      // the documented set for the relay: the consumers' set without what only a consumed record has
      assertThat(deadLetterHeaderNames(large)).containsExactlyInAnyOrder(DeadLetterHeaders.REASON,
          DeadLetterHeaders.ERROR_CLASS, DeadLetterHeaders.ERROR_MESSAGE, DeadLetterHeaders.ORIGINAL_TOPIC,
          DeadLetterHeaders.EVENT_ID, DeadLetterHeaders.VALUE_SIZE);
      assertThat(large.value()).isNull();
      assertThat(RelayFixture.text(large.key())).isEqualTo("o-1");
      assertThat(header(large, OutboxHeaders.ID)).isEqualTo(tooLarge.toString());
      assertThat(header(large, OutboxHeaders.EVENT_TYPE)).isEqualTo("OrderHuge");
      assertThat(header(large, "tenant")).isEqualTo("acme");

      ConsumerRecord<byte[], byte[]> invalid = byId.get(badTopic.toString());
      assertThat(header(invalid, DeadLetterHeaders.ERROR_CLASS))
          .isEqualTo("org.apache.kafka.common.errors.InvalidTopicException");
      assertThat(header(invalid, DeadLetterHeaders.ORIGINAL_TOPIC)).isEqualTo(prefix + "not a topic!");
      assertThat(RelayFixture.text(invalid.value())).isEqualTo("{\"n\": 2}");
      assertThat(deadLetterHeaderNames(invalid)).containsExactlyInAnyOrder(DeadLetterHeaders.REASON,
          DeadLetterHeaders.ERROR_CLASS, DeadLetterHeaders.ERROR_MESSAGE, DeadLetterHeaders.ORIGINAL_TOPIC,
          DeadLetterHeaders.EVENT_ID);

      ConsumerRecord<byte[], byte[]> collides = byId.get(deadLetterTopicsType.toString());
      assertThat(header(collides, DeadLetterHeaders.ORIGINAL_TOPIC)).isEqualTo(deadLetterTopic);
      assertThat(header(collides, DeadLetterHeaders.ERROR_MESSAGE))
          .contains("of aggregate type 'dlq' is the relay's dead-letter topic", "deadLetterTopic(..)");
      assertThat(header(collides, OutboxHeaders.EVENT_TYPE)).isEqualTo("Collides");
      assertThat(RelayFixture.text(collides.value())).isEqualTo("{\"n\": 4}");
      // every record on the dead-letter topic is a dead letter: none of them is the event published as such
      assertThat(dead).allSatisfy(r -> assertThat(header(r, DeadLetterHeaders.REASON)).isNotNull());

      List<ConsumerRecord<byte[], byte[]>> published = kafka.readRecords(prefix + "order", 2, RelayFixture.TIMEOUT);
      assertThat(published).extracting(r -> header(r, OutboxHeaders.ID))
          .containsExactly(before.toString(), after.toString());
      assertThat(relay.status().state()).isEqualTo(RelayState.ACTIVE);

      double relayed = registry.get("outboxkit.relay.events").counter().count();
      double deadLettered = registry.get("outboxkit.relay.dead.letters").counter().count();
      long commitToAckSamples = registry.get("outboxkit.relay.commit.to.ack").timer().count();
      System.out.printf("dead letters: %d records on %s (%s, %s, %s); %d published around them; metrics: "
              + "events=%.0f dead.letters=%.0f commit.to.ack samples=%d%n", dead.size(), deadLetterTopic,
          header(large, DeadLetterHeaders.ERROR_CLASS), header(invalid, DeadLetterHeaders.ERROR_CLASS),
          header(collides, DeadLetterHeaders.ERROR_MESSAGE), published.size(), relayed, deadLettered,
          commitToAckSamples);
      assertThat(deadLettered).isEqualTo(3.0);
      assertThat(relayed).isEqualTo(2.0);
      assertThat(commitToAckSamples).isEqualTo(2);
    }
  }

  /** The names of the record's dead-letter headers, in order, repeated ones as often as they occur. */
  static List<String> deadLetterHeaderNames(ConsumerRecord<byte[], byte[]> record) {
    return TestKafka.headerNames(record, DeadLetterHeaders.PREFIX);
  }
}
