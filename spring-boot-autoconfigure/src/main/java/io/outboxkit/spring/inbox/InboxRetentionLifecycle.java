package io.outboxkit.spring.inbox;

import io.outboxkit.inbox.InboxRetention;
import org.springframework.context.SmartLifecycle;

/** Starts the inbox retention schedule with the application context and stops it with the context. */
final class InboxRetentionLifecycle implements SmartLifecycle {

  private final InboxRetention retention;
  private volatile boolean running;

  InboxRetentionLifecycle(InboxRetention retention) {
    this.retention = retention;
  }

  @Override
  public synchronized void start() {
    if (!running) {
      retention.start();
      running = true;
    }
  }

  @Override
  public synchronized void stop() {
    if (running) {
      retention.close();
      running = false;
    }
  }

  @Override
  public boolean isRunning() {
    return running;
  }
}
