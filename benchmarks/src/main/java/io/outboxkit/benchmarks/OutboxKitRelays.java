package io.outboxkit.benchmarks;

import io.outboxkit.core.OutboxReplication;
import io.outboxkit.core.TableName;
import io.outboxkit.core.WriteMode;
import io.outboxkit.relay.OutboxRelay;
import io.outboxkit.relay.RelayState;
import io.outboxkit.relay.RelayStatus;
import org.jspecify.annotations.Nullable;

/**
 * OutboxKit's relay ({@link OutboxRelay}) behind the harness's {@link MeasuredRelay}, with every setting at
 * the relay's defaults except the names the harness gives each run (slot, publication, topic prefix).
 */
final class OutboxKitRelays {

  private OutboxKitRelays() {
  }

  /** Table mode: inserts into {@code public.outbox_event}. */
  static MeasuredRelay table() {
    return new Relay(false);
  }

  /** WAL-message mode: logical messages with OutboxKit's default prefix. */
  static MeasuredRelay walMessages() {
    return new Relay(true);
  }

  private static final class Relay implements MeasuredRelay {

    private final boolean walMessages;

    Relay(boolean walMessages) {
      this.walMessages = walMessages;
    }

    @Override
    public String describe() {
      return "OutboxRelay with its defaults (its own Debezium and producer settings, offsets in PostgreSQL,"
          + " heartbeats, leader lock), " + (walMessages
              ? "WAL-message mode, prefix " + OutboxReplication.DEFAULT_WAL_MESSAGE_PREFIX
              : "table mode on public." + TableName.DEFAULT_OUTBOX_TABLE)
          + "; publication and slot created with prepareReplication() before the first event is written";
    }

    @Override
    public void prepare(RelayTarget target) {
      try (OutboxRelay relay = builder(target).build()) {
        relay.prepareReplication();
      }
    }

    @Override
    public Running start(RelayTarget target) {
      OutboxRelay relay = builder(target).build();
      try {
        relay.start();
        awaitActive(relay);
      } catch (RuntimeException e) {
        relay.close();
        throw e;
      }
      return new Running() {
        @Override
        public @Nullable String failure() {
          RelayStatus status = relay.status();
          return status.state() == RelayState.FAILED || status.state() == RelayState.STOPPED
              ? "OutboxKit relay " + status.state() + ": " + status.reason() : null;
        }

        @Override
        public void close() {
          relay.close();
        }
      };
    }

    private OutboxRelay.Builder builder(RelayTarget target) {
      OutboxRelay.Builder builder = OutboxRelay.builder()
          .database(target.host(), target.port(), target.database())
          .username(target.username())
          .password(target.password())
          .bootstrapServers(target.bootstrapServers())
          .topicPrefix(target.topicPrefix())
          .replicationSlot(target.replicationSlot())
          .publication(target.publication());
      return builder.mode(walMessages ? WriteMode.WAL_MESSAGE : WriteMode.TABLE);
    }

    private static void awaitActive(OutboxRelay relay) {
      long deadline = System.nanoTime() + 120_000_000_000L;
      while (true) {
        RelayStatus status = relay.status();
        if (status.state() == RelayState.ACTIVE) {
          return;
        }
        if (status.state() == RelayState.FAILED || status.state() == RelayState.STOPPED) {
          throw new BenchmarkException("OutboxKit relay " + status.state() + ": " + status.reason());
        }
        if (System.nanoTime() > deadline) {
          throw new BenchmarkException("OutboxKit relay not active within 120 s; state " + status.state()
              + (status.reason() == null ? "" : ": " + status.reason()));
        }
        try {
          Thread.sleep(20);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new BenchmarkException("interrupted while the OutboxKit relay started", e);
        }
      }
    }
  }
}
