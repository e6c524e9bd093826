package io.outboxkit.spring.relay;

import io.outboxkit.relay.OutboxRelay;
import org.springframework.context.SmartLifecycle;

/**
 * Starts the relay when the application context has started and closes it when the context stops or closes
 * (on SIGTERM, through Spring Boot's shutdown hook): records the broker acknowledged are committed, the slot and
 * the leader lock are released. A context started again after a stop starts the relay again.
 */
final class OutboxRelayLifecycle implements SmartLifecycle {

  /**
   * Starts after the web server and stops before its graceful shutdown begins: the health endpoint shows
   * the relay's state for as long as it runs, and a standby instance can take over while this one is still
   * draining its HTTP requests.
   */
  static final int PHASE = SmartLifecycle.DEFAULT_PHASE - 512;

  private final OutboxRelay relay;
  private final boolean autoStartup;
  private volatile boolean running;

  OutboxRelayLifecycle(OutboxRelay relay, boolean autoStartup) {
    this.relay = relay;
    this.autoStartup = autoStartup;
  }

  @Override
  public synchronized void start() {
    if (!running) {
      relay.start();
      running = true;
    }
  }

  @Override
  public synchronized void stop() {
    if (running) {
      running = false;
      relay.close();
    }
  }

  @Override
  public boolean isRunning() {
    return running;
  }

  @Override
  public boolean isAutoStartup() {
    return autoStartup;
  }

  @Override
  public int getPhase() {
    return PHASE;
  }
}
