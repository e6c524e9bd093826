package io.outboxkit.fault;


import io.outboxkit.inbox.kafka.InboxKafkaRunner;
import io.outboxkit.relay.RelayState;
import io.outboxkit.test.OutboxIntegrationTest;
import io.outboxkit.test.PostgresServer;
import io.outboxkit.test.TestDatabase;
import io.outboxkit.test.TestKafka;
import org.junit.jupiter.api.Test;

/**
 * PostgreSQL (holding the order service's and the billing service's databases) is restarted with a fast
 * shutdown while writers commit, the relay process streams and two consumers apply: writers reconnect and
 * settle commits whose outcome they could not see, the relay and the consumers resume by themselves, and
 * every committed event is applied exactly once. Short profile: one restart; long: five.
 */
@OutboxIntegrationTest(embedded = true)
class PostgresRestartIT {

  @Test
  void postgresRestartedWhileWritersRelayAndInboxRun(TestDatabase orders, TestDatabase billing, TestKafka kafka,
      PostgresServer postgres) {
    try (Pipeline pipeline = Pipeline.create("postgres-restart", orders, billing, kafka, 3)) {
      FaultProfile profile = pipeline.profile();
      InboxKafkaRunner first = pipeline.startConsumer("billing-1");
      InboxKafkaRunner second = pipeline.startConsumer("billing-2");
      OrderWriters writers = pipeline.startWriters(3, 6);
      RelayChild relay = pipeline.startRelay("relay");
      relay.awaitState(RelayState.ACTIVE);
      for (int restart = 1; restart <= profile.databaseRestarts(); restart++) {
        pipeline.awaitFlowing(50);
        long began = System.nanoTime();
        postgres.restart();
        pipeline.fault();
        long back = System.nanoTime();
        long millis = pipeline.awaitRecovered(back);
        System.out.printf("[postgres-restart] restart %d of %d took %d ms; caught up %d ms after PostgreSQL was back%n",
            restart, profile.databaseRestarts(), (back - began) / 1_000_000, millis);
      }
      relay.awaitState(RelayState.ACTIVE);
      Reconciliation result = pipeline.finish(profile.databaseRestarts() + " fast restart(s) of PostgreSQL; "
          + "recovery from the server accepting connections again; writers: " + writers.failedAttempts.get()
          + " failed attempts, " + writers.unknownOutcomes.get() + " commits of unknown outcome settled; consumers: "
          + (first.stats().outages() + second.stats().outages()) + " outages, "
          + (first.stats().deadLettered() + second.stats().deadLettered()) + " dead letters", 0);
      result.assertNothingLostOrDuplicated();
    }
  }
}
