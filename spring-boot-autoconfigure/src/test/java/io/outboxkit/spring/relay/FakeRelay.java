package io.outboxkit.spring.relay;

import io.outboxkit.relay.OutboxRelay;
import io.outboxkit.relay.RelayState;
import io.outboxkit.relay.RelayStatus;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicInteger;

/** A relay of the application's own, with a status the test sets, counting start and close calls. */
final class FakeRelay implements OutboxRelay {

  final AtomicInteger starts = new AtomicInteger();
  final AtomicInteger closes = new AtomicInteger();
  volatile RelayStatus status = new RelayStatus(RelayState.NEW, null, -1, Instant.parse("2026-01-01T00:00:00Z"));

  @Override
  public void start() {
    starts.incrementAndGet();
    status = new RelayStatus(RelayState.ACTIVE, null, -1, Instant.now());
  }

  @Override
  public void prepareReplication() {
  }

  @Override
  public RelayStatus status() {
    return status;
  }

  @Override
  public void close() {
    closes.incrementAndGet();
    status = new RelayStatus(RelayState.STOPPED, null, -1, Instant.now());
  }
}
