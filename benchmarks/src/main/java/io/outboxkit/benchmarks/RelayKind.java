package io.outboxkit.benchmarks;

import java.util.Locale;
import java.util.function.Supplier;

/** The relays the harness can measure, by the name used on the command line. */
enum RelayKind {

  OUTBOXKIT_TABLE("outboxkit-table", EventSource.TABLE, () -> OutboxKitRelays.table()),
  OUTBOXKIT_WAL_MESSAGE("outboxkit-wal", EventSource.WAL_MESSAGE, () -> OutboxKitRelays.walMessages()),
  OUTBOXKIT_TABLE_TRACED("outboxkit-table-traced", EventSource.TRACED_TABLE, () -> OutboxKitRelays.tracedTable()),
  POLLING("polling", EventSource.TABLE, PollingRelay::new),
  DEBEZIUM_DEFAULTS("debezium-defaults", EventSource.TABLE, () -> new DebeziumEventRouterRelay(false)),
  DEBEZIUM_TUNED("debezium-tuned", EventSource.TABLE, () -> new DebeziumEventRouterRelay(true));

  private final String id;
  private final EventSource source;
  private final Supplier<MeasuredRelay> factory;

  RelayKind(String id, EventSource source, Supplier<MeasuredRelay> factory) {
    this.id = id;
    this.source = source;
    this.factory = factory;
  }

  /** The name on the command line and in the relay process's arguments. */
  String id() {
    return id;
  }

  /** Where the relay reads events from, so the harness writes them there. */
  EventSource source() {
    return source;
  }

  MeasuredRelay create() {
    return factory.get();
  }

  boolean isOutboxKit() {
    return this == OUTBOXKIT_TABLE || this == OUTBOXKIT_WAL_MESSAGE || this == OUTBOXKIT_TABLE_TRACED;
  }

  static RelayKind byId(String id) {
    for (RelayKind kind : values()) {
      if (kind.id.equals(id.toLowerCase(Locale.ROOT))) {
        return kind;
      }
    }
    StringBuilder known = new StringBuilder();
    for (RelayKind kind : values()) {
      known.append(known.length() == 0 ? "" : ", ").append(kind.id);
    }
    throw new IllegalArgumentException("unknown relay '" + id + "': use one of " + known);
  }
}
