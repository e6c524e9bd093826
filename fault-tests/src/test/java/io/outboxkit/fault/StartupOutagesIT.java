package io.outboxkit.fault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.outboxkit.inbox.kafka.InboxKafkaRunner;
import io.outboxkit.relay.RelayState;
import io.outboxkit.test.KafkaServer;
import io.outboxkit.test.OutboxIntegrationTest;
import io.outboxkit.test.PostgresServer;
import io.outboxkit.test.TestDatabase;
import io.outboxkit.test.TestKafka;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The broker or the database cannot be reached when parts of the pipeline start. The relay starts without a
 * broker and delivers once it is there; without a database it refuses to start with a message naming the
 * server (a process supervisor starts it again), while a consumer started meanwhile waits for the database
 * without dead-lettering anything. Nothing committed is lost.
 */
@OutboxIntegrationTest(embedded = true)
class StartupOutagesIT {

  @Test
  void relayAndConsumersStartedWhileTheBrokerIsDown(TestDatabase orders, TestDatabase billing, TestKafka kafka,
      KafkaServer broker) {
    try (Pipeline pipeline = Pipeline.create("startup-without-broker", orders, billing, kafka, 3)) {
      pipeline.startWriters(3, 6);
      broker.kill();
      pipeline.fault();
      long killedAt = System.nanoTime();
      RelayChild relay;
      InboxKafkaRunner consumer;
      try {
        relay = pipeline.startRelay("relay");
        consumer = pipeline.startConsumer("billing-1");
        relay.awaitState(RelayState.ACTIVE);
        long downFor = pipeline.profile().brokerDownMillis() - (System.nanoTime() - killedAt) / 1_000_000;
        ChildJvm.pause(Math.max(0, downFor)); // the outage: the relay and the consumer run without a broker
        assertThat(consumer.isRunning()).isTrue();
      } finally {
        broker.start();
      }
      long back = System.nanoTime();
      long millis = pipeline.awaitRecovered(back);
      String said = relay.reports().stream().filter(r -> !r.endsWith("reason=null")).findFirst().orElse("nothing");
      System.out.printf("[startup-without-broker] relay and consumer started with the broker down; relay said: %s; "
          + "caught up %d ms after the broker served%n", said, millis);
      pipeline.finish("relay and consumer started while the broker was down " + pipeline.profile().brokerDownMillis() / 1000
          + " s; relay said: " + said.replace('"', '\'') + "; recovery from the broker serving", 0)
          .assertNothingLostOrDuplicated();
    }
  }

  @Test
  void relayAndConsumersStartedWhileTheDatabaseIsDown(TestDatabase orders, TestDatabase billing, TestKafka kafka,
      PostgresServer postgres) {
    try (Pipeline pipeline = Pipeline.create("startup-without-database", orders, billing, kafka, 3)) {
      OrderWriters writers = pipeline.startWriters(3, 6);
      RelayChild running = pipeline.startRelay("relay-1");
      running.awaitState(RelayState.ACTIVE);
      // events reach Kafka; no consumer runs yet
      await().atMost(Pipeline.RECOVERY_TIMEOUT).until(() -> TopicReader.readAll(pipeline.bootstrapServers(),
          pipeline.topic(), Pipeline.READ_TIMEOUT).size() >= 100);

      String refusal;
      InboxKafkaRunner consumer;
      postgres.stop();
      pipeline.fault();
      try {
        RelayChild starting = pipeline.startRelay("relay-2");
        int exit = starting.jvm().awaitExit(Duration.ofSeconds(120));
        refusal = starting.reports().stream().filter(r -> r.startsWith("relay start-failed")).findFirst()
            .orElseThrow(() -> new AssertionError("relay-2 exited with " + exit + " without a start failure: "
                + starting.reports()));
        assertThat(exit).isEqualTo(RelayMain.START_FAILED);
        assertThat(refusal).contains(pipeline.orders().host()).contains(Integer.toString(pipeline.orders().port()));
        consumer = pipeline.startConsumer("billing-1");
        await("the consumer notices the outage").atMost(Pipeline.RECOVERY_TIMEOUT)
            .until(() -> consumer.stats().outages() >= 1);
      } finally {
        postgres.start();
      }
      long back = System.nanoTime();
      long millis = pipeline.awaitRecovered(back);
      running.awaitState(RelayState.ACTIVE);
      refusal = refusal.substring("relay start-failed ".length());
      System.out.printf("[startup-without-database] a relay started while PostgreSQL was down refused: %s; a consumer "
          + "started meanwhile waited (%d outages, %d dead letters); the relay that was running resumed; caught up "
          + "%d ms after PostgreSQL was back%n", refusal, consumer.stats().outages(), consumer.stats().deadLettered(),
          millis);
      assertThat(consumer.stats().deadLettered()).as("records dead-lettered because the database was down").isZero();
      assertThat(consumer.stats().failedAttempts()).as("attempts counted against records").isZero();
      pipeline.finish("relay started while PostgreSQL was down refused: " + refusal.replace('"', '\'')
          + "; consumer started meanwhile: " + consumer.stats().outages() + " outage(s), 0 dead letters; writers: "
          + writers.failedAttempts.get() + " failed attempts; recovery from PostgreSQL back", 0)
          .assertNothingLostOrDuplicated();
    }
  }

}
