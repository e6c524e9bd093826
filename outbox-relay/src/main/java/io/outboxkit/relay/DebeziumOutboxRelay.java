package io.outboxkit.relay;

import io.debezium.engine.DebeziumEngine;
import io.debezium.engine.RecordChangeEvent;
import io.outboxkit.core.OutboxException;
import java.io.IOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.connect.source.SourceRecord;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The relay: start-up checks, leader election, one Debezium engine at a time while leader, status.
 *
 * <p>While an engine streams, the monitor checks every {@link #TICK_MILLIS} ms what is due: the slot's lag,
 * the publication ({@link PublicationCheck}), a heartbeat through the stream ({@link StreamWatch}) and the
 * brokers ({@link BrokerCheck}). Before each engine start it fills any gap in the stream from the outbox
 * table ({@link StreamRecovery}).
 *
 * <p>Threads: the caller's (start, close), one monitor thread (leader lock, checks, recovery) and the
 * engine's threads. State changes are synchronized on this object.
 */
final class DebeziumOutboxRelay implements OutboxRelay {

  private static final Logger log = LoggerFactory.getLogger(DebeziumOutboxRelay.class);

  static final long STANDBY_POLL_MILLIS = 1_000;
  static final long LEADER_CHECK_MILLIS = 2_000;
  static final long LAG_SAMPLE_MILLIS = 2_000;
  static final long TICK_MILLIS = 500;
  /** Engine failures in a row after which the relay reports STALLED rather than STARTING. */
  static final int FAILURES_BEFORE_STALLED = 3;
  static final long PUBLICATION_CHECK_MILLIS = 2_000;
  static final long CLOSE_GRACE_MILLIS = 5_000;
  static final long WAITING_REPORT_MILLIS = 5_000;

  private final RelaySettings settings;
  private final EngineFactory engines;
  private final RelayDatabase database;
  private final Metrics metrics;
  private final StreamWatch watch;
  private final PublicationCheck publicationCheck;
  private final StreamRecovery recovery;
  /** Between a start() and the end of the close() after it; guarded by this. */
  private boolean running;
  /**
   * Counts the closes, so that a start() overtaken by a close() does not go on after it, and so that an engine
   * of an earlier run, should it still report, does not act on a later one; written under this.
   */
  private volatile long closes;
  /** Why the relay cannot be started again: a close that did not complete; null when it can. */
  private @Nullable String unrestartable;
  private volatile boolean closing;
  private volatile RelayStatus status;
  private volatile long slotLagBytes = -1;

  private @Nullable ScheduledExecutorService monitor;
  private @Nullable ControlConnection control;
  private volatile @Nullable RunningEngine engine;
  /** After an engine failure: no new engine (and no lock attempt) before this System.nanoTime(). */
  private volatile long restartNotBefore;
  private int consecutiveFailures;
  /** The next engine launch may put back what is missing of the publication (a start or a takeover). */
  private boolean repairAtLaunch;
  /** The publication lacks what the relay reads: FAILED until someone repairs it; monitor thread only. */
  private volatile boolean awaitingRepair;
  /** The publication's membership identity when the running engine was launched; monitor thread only. */
  private @Nullable String knownIdentity;
  /** What a recovery could not get back (WAL-message mode), reported while ACTIVE; null when nothing. */
  private volatile @Nullable String lossNotice;
  /** Why the publisher retries, as it last said; null when it does not. */
  private volatile @Nullable String publisherTrouble;
  /** The publisher of a recovery in progress, so that close() can stop it. */
  private volatile @Nullable KafkaPublisher recovering;
  private @Nullable BrokerCheck brokerCheck;
  private long lastLagNanos;
  private long lastPublicationNanos;
  /** The last check of the stream failed (database unreachable): logged once until it works again. */
  private boolean checkFailing;

  DebeziumOutboxRelay(RelaySettings settings) {
    this(settings, EngineFactory.DEBEZIUM);
  }

  DebeziumOutboxRelay(RelaySettings settings, EngineFactory engines) {
    this.settings = settings;
    this.engines = engines;
    this.database = new RelayDatabase(settings);
    this.metrics = Metrics.create(settings.meterRegistry(), settings.slotName());
    this.watch = new StreamWatch(settings);
    this.publicationCheck = new PublicationCheck(settings);
    this.recovery = new StreamRecovery(settings, metrics);
    this.status = new RelayStatus(RelayState.NEW, null, -1, Instant.now());
  }

  @Override
  public void start() {
    long run;
    synchronized (this) {
      if (closing) {
        throw new IllegalStateException("the relay is closing: start it again once close() returned");
      }
      if (running) {
        throw new IllegalStateException("the relay was started before: close it before starting it again");
      }
      if (unrestartable != null) {
        throw new IllegalStateException("the relay cannot be started again: " + unrestartable
            + "; build a new relay");
      }
      running = true;
      run = closes;
      consecutiveFailures = 0;
      restartNotBefore = 0;
      slotLagBytes = -1;
      repairAtLaunch = true;
      awaitingRepair = false;
      lossNotice = null;
      status = new RelayStatus(RelayState.STARTING, null, -1, Instant.now());
    }
    log.info("relay starting: {} to Kafka {} (topics {}*, dead letters {})", settings.describe(),
        settings.bootstrapServers(), settings.topicPrefix(), settings.deadLetterTopic());
    String collidingType = settings.aggregateTypeOfDeadLetterTopic();
    if (collidingType != null) {
      log.warn("relay for slot {}: the dead-letter topic {} starts with the topic prefix '{}': events of aggregate "
          + "type '{}' would have it as their topic, so they are dead-lettered there instead of published; choose "
          + "a dead-letter topic outside the prefix (the default {} is)", settings.slotName(),
          settings.deadLetterTopic(), settings.topicPrefix(), collidingType,
          OutboxRelay.Builder.DEFAULT_DEAD_LETTER_TOPIC);
    }
    try {
      prepare();
    } catch (OutboxException e) {
      failStart(run, e.getMessage());
      throw e;
    }
    if (!settings.heartbeatsEnabled()) {
      log.warn("relay for slot {}: heartbeats are off (heartbeatInterval 0): a stream that stops delivering is not "
          + "detected, and a quiet outbox holds WAL while other tables change", settings.slotName());
    }
    ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(
        daemonThreads("outboxkit-relay-monitor-" + settings.slotName()));
    synchronized (this) {
      if (closes != run) { // closed while the checks ran
        scheduler.shutdown();
        return;
      }
      monitor = scheduler;
      control = new ControlConnection(database, settings.slotName());
      brokerCheck = new BrokerCheck(settings);
    }
    scheduler.execute(this::electAndRun);
    scheduler.scheduleWithFixedDelay(this::tick, 0, TICK_MILLIS, TimeUnit.MILLISECONDS);
  }

  /** The start-up checks; records a slot created now, so that rows already in the outbox table are read. */
  private void prepare() {
    try (Connection connection = database.connect("setup")) {
      if (database.prepare(connection)) {
        recovery.slotCreated(connection);
      }
    } catch (SQLException e) {
      throw database.translate(e, "preparing " + database.where());
    }
  }

  /** The start-up checks failed: FAILED with the reason, and the relay may be started again. */
  private void failStart(long run, String reason) {
    synchronized (this) {
      if (closes != run) {
        return; // closed meanwhile: the close set the state
      }
      running = false;
    }
    fail(reason);
  }

  @Override
  public void prepareReplication() {
    prepare();
  }

  @Override
  public RelayStatus status() {
    RelayStatus current = status;
    String reason = current.reason();
    RunningEngine running = engine;
    if (reason == null && current.state() == RelayState.ACTIVE && running != null) {
      reason = running.publisher.waiting(WAITING_REPORT_MILLIS);
    }
    if (reason == null && current.state() == RelayState.ACTIVE) {
      reason = lossNotice;
    }
    return new RelayStatus(current.state(), reason, slotLagBytes, current.since());
  }

  // ---- leader election and engine life cycle (monitor thread) -------------------------------------

  /** Runs on the monitor thread: takes the lock (or goes on standby), starts the engine while leader. */
  private void electAndRun() {
    if (closing || status.state() == RelayState.FAILED) {
      return;
    }
    long wait = restartNotBefore - System.nanoTime();
    if (engine == null && wait > 0) {
      schedule(this::electAndRun, Math.max(1, wait / 1_000_000));
      return;
    }
    try {
      boolean leader = !settings.highAvailability() || control().tryAcquireLock();
      RelayState state = status.state();
      if (leader && engine == null && state != RelayState.FAILED) {
        if (state == RelayState.STANDBY) {
          log.info("relay for slot {} took over: the leader lock is free", settings.slotName());
          repairAtLaunch = true;
        }
        launchEngine();
      } else if (!leader && state == RelayState.STARTING) {
        setState(RelayState.STANDBY, null);
        log.info("relay for slot {} stands by: another instance holds the leader lock", settings.slotName());
      }
      schedule(this::checkLeadership, leader ? LEADER_CHECK_MILLIS : STANDBY_POLL_MILLIS);
    } catch (SQLException | RuntimeException e) {
      log.warn("relay for slot {}: leader election failed, trying again: {}", settings.slotName(), e.getMessage());
      schedule(this::electAndRun, STANDBY_POLL_MILLIS);
    }
  }

  private void checkLeadership() {
    if (closing || status.state() == RelayState.FAILED) {
      return;
    }
    RunningEngine running = engine;
    if (running != null && running.finished.getCount() == 0) {
      engine = null; // the engine ended on its own; restartAfterFailure set the state and the backoff
      running.executor.shutdown();
      running = null;
    }
    if (running != null && settings.highAvailability() && !control().stillHoldsLock()) {
      boolean regained = false;
      try {
        regained = control().tryAcquireLock();
      } catch (SQLException e) {
        log.warn("relay for slot {}: cannot reach the database to renew the leader lock: {}", settings.slotName(),
            e.getMessage());
      }
      if (!regained) {
        log.warn("relay for slot {} lost the leader lock (its database session ended): stopping the engine and "
            + "standing by", settings.slotName());
        stopEngine(running, false);
        engine = null;
        setState(RelayState.STANDBY, null);
      }
    }
    electAndRun();
  }

  private void launchEngine() {
    boolean repair = repairAtLaunch;
    repairAtLaunch = false;
    KafkaPublisher publisher;
    try {
      publisher = new KafkaPublisher(settings, metrics, this::retrying);
    } catch (org.apache.kafka.common.KafkaException e) {
      fail("the Kafka producer cannot be created with bootstrapServers=" + settings.bootstrapServers()
          + " and the given producer properties: " + EngineFailures.explain(settings, e.getMessage(), e));
      control().close();
      return;
    }
    if (!prepareStream(publisher, repair)) {
      publisher.close();
      return;
    }
    watch.reset();
    RunningEngine running = new RunningEngine(publisher,
        new RelayChangeConsumer(new RecordMapper(settings), publisher, watch));
    DebeziumEngine<RecordChangeEvent<SourceRecord>> debezium = engines.create(EngineProperties.of(settings),
        running.consumer, running.connectorCallback(), running);
    running.debezium = debezium;
    engine = running;
    running.executor.execute(debezium);
  }

  /**
   * Before an engine starts: puts back what is missing of the publication (only when {@code repair}: at a
   * start or a takeover, never behind an operator's back while running), makes sure the slot exists, and
   * fills any gap in the stream from the outbox table. False if the engine must not start now (the
   * publication lacks what the relay reads: FAILED until repaired; or the database failed: tried again).
   */
  private boolean prepareStream(KafkaPublisher publisher, boolean repair) {
    recovering = publisher;
    try (Connection connection = database.connect("setup")) {
      if (repair) {
        database.repairPublication(connection);
      }
      PublicationCheck.State state = publicationCheck.read(connection);
      String problem = publicationCheck.problem(state);
      if (problem != null) {
        awaitingRepair = true;
        fail(problem);
        return false;
      }
      if (database.ensureSlot(connection)) {
        recovery.slotCreated(connection);
      }
      String lost = recovery.recover(connection, state, publisher);
      if (lost != null) {
        lossNotice = lost;
      }
      knownIdentity = state.identity();
      return true;
    } catch (InterruptedException e) {
      log.info("relay for slot {}: recovery stopped by close(); it runs again on the next start", settings.slotName());
      return false;
    } catch (SQLException | RuntimeException e) {
      log.warn("relay for slot {}: preparing the stream in {} failed, trying again: {}", settings.slotName(),
          database.where(), e.getMessage());
      repairAtLaunch = repair; // the next try repairs if this one was to
      return false;
    } finally {
      recovering = null;
    }
  }

  /**
   * Stops an engine. Gracefully (on close): the batch being published may finish within {@link
   * #CLOSE_GRACE_MILLIS}, later batches are left unsent. Otherwise (the leader lock is lost, another instance
   * may be taking over) the batch being published is abandoned at once. Then Debezium's engine stores the
   * position of every batch marked processed and stops; an abandoned batch is sent again on the next start.
   * Runs on the monitor thread.
   */
  private void stopEngine(RunningEngine running, boolean graceful) {
    running.stopping = true;
    boolean drained = false;
    try {
      drained = running.consumer.drain(graceful ? CLOSE_GRACE_MILLIS : 0);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (!drained) {
      if (graceful) {
        log.warn("relay for slot {}: the batch being published was not acknowledged within {} ms of close(); it "
            + "is abandoned and sent again on the next start", settings.slotName(), CLOSE_GRACE_MILLIS);
      }
      running.publisher.stop(); // ends a retry backoff at once; Debezium's close interrupts a waiting send
    }
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    DebeziumEngine<RecordChangeEvent<SourceRecord>> debezium = running.debezium;
    while (debezium != null && running.finished.getCount() > 0 && System.nanoTime() < deadline) {
      try {
        debezium.close(); // stores the position of everything marked processed, then stops the connector
        break;
      } catch (IllegalStateException e) {
        // starting, or stopping on its own (after the drain refused a batch, for example): the loop ends when
        // the engine has finished, or tries the close again
        sleepQuietly(100);
      } catch (IOException | RuntimeException e) {
        log.warn("relay for slot {}: stopping the engine failed: {}", settings.slotName(), e.toString());
        break;
      }
    }
    try {
      if (!running.finished.await(30, TimeUnit.SECONDS)) {
        log.warn("relay for slot {}: the engine did not stop within 30 s", settings.slotName());
        running.publisher.abort();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    running.publisher.close();
    running.executor.shutdownNow();
  }

  /**
   * The engine ended on its own (database gone for longer than Debezium's retries, slot taken, ...): release
   * the leader lock so that a standby may take over, and start a new engine after a backoff (1 s doubling
   * to 60 s; reset once an engine ran for a minute). Runs on the engine's thread.
   */
  private void restartAfterFailure(RunningEngine failed, String reason) {
    long ranMillis = (System.nanoTime() - failed.launchedAt) / 1_000_000;
    int failures;
    synchronized (this) {
      consecutiveFailures = ranMillis > 60_000 ? 1 : consecutiveFailures + 1;
      failures = consecutiveFailures;
    }
    long delay = Math.min(1_000L << Math.min(failures - 1, 6), 60_000L);
    restartNotBefore = System.nanoTime() + delay * 1_000_000;
    // the third failure in a row is no longer a start: the relay delivers nothing and says so (not healthy)
    setState(failures >= FAILURES_BEFORE_STALLED ? RelayState.STALLED : RelayState.STARTING,
        "the engine stopped (" + reason + "); starting again in " + delay / 1000 + " s (attempt " + failures + ")");
    log.error("relay for slot {}: the engine stopped: {}; starting again in {} ms (attempt {}); events not "
        + "acknowledged are sent again", settings.slotName(), reason, delay, failures);
    failed.publisher.close();
    ScheduledExecutorService scheduler = monitor;
    ControlConnection c = control;
    if (scheduler != null && c != null) {
      try {
        scheduler.execute(c::close); // releases the leader lock: a standby may take over meanwhile
      } catch (java.util.concurrent.RejectedExecutionException ignored) {
        // closing
      }
    }
  }

  // ---- checks while streaming (monitor thread) ----------------------------------------------------

  /** Runs every {@link #TICK_MILLIS} ms on the monitor thread: whatever check is due. */
  private void tick() {
    if (closing) {
      return;
    }
    long now = System.nanoTime();
    if (now - lastLagNanos >= LAG_SAMPLE_MILLIS * 1_000_000) {
      lastLagNanos = now;
      sampleLag();
    }
    if (awaitingRepair) {
      if (now - lastPublicationNanos >= PUBLICATION_CHECK_MILLIS * 1_000_000) {
        lastPublicationNanos = now;
        checkRepaired();
      }
      return;
    }
    RunningEngine running = engine;
    RelayState state = status.state();
    if (running == null || running.stopping || running.finished.getCount() == 0
        || (state != RelayState.ACTIVE && state != RelayState.STALLED)) {
      return;
    }
    if (!watchStream(running, now)) {
      return;
    }
    BrokerCheck broker = brokerCheck;
    if (broker != null) {
      broker.tick();
    }
    if (running.started) {
      judgeLiveness(broker == null ? null : broker.problem());
    }
  }

  private void sampleLag() {
    try {
      long lag = control().slotLagBytes();
      slotLagBytes = lag;
      if (lag >= 0) {
        metrics.slotLag(lag);
      }
    } catch (SQLException | RuntimeException e) {
      log.debug("slot lag not sampled: {}", e.getMessage());
    }
  }

  /**
   * The publication check, the heartbeat's return and the next heartbeat. False if the engine was stopped
   * (the publication lacks what the relay reads, or its membership changed and the gap is being filled).
   */
  private boolean watchStream(RunningEngine running, long now) {
    try {
      Connection connection = control().connection();
      StreamWatch.Returned back = watch.takeReturned();
      if (back != null || now - lastPublicationNanos >= PUBLICATION_CHECK_MILLIS * 1_000_000) {
        lastPublicationNanos = now;
        PublicationCheck.State state = publicationCheck.read(connection);
        String problem = publicationCheck.problem(state);
        if (problem != null) {
          log.error("relay for slot {}: {}; stopping the engine until then", settings.slotName(), problem);
          stopEngine(running, true);
          engine = null;
          awaitingRepair = true;
          fail(problem);
          return false;
        }
        if (!state.identity().equals(knownIdentity)) {
          log.warn("relay for slot {}: publication {} changed while the relay streamed (a table left it and joined "
              + "it again, or it was made again): stopping the engine to read the events the stream may have missed",
              settings.slotName(), settings.publicationName());
          stopEngine(running, true);
          engine = null; // the leader check launches the next engine, which fills the gap first
          setState(RelayState.STARTING, "publication " + settings.publicationName() + " changed: filling the gap");
          return false;
        }
        if (back != null) {
          recovery.advance(connection, state.identity(), back.xmin(), back.position());
          metrics.streamDelay(back.delayMillis());
        }
      }
      long inFlight = watch.inFlightMillis();
      if (inFlight > settings.heartbeatInterval().toMillis()) {
        metrics.streamDelay(inFlight);
      }
      if (settings.heartbeatsEnabled()) {
        watch.writeIfDue(connection);
      }
      if (checkFailing) {
        checkFailing = false;
        log.info("relay for slot {}: checking the stream works again", settings.slotName());
      }
    } catch (SQLException | RuntimeException e) {
      if (!checkFailing) { // once per outage, not every tick
        checkFailing = true;
        log.warn("relay for slot {}: checking the stream in {} failed (tried again every tick, logged once): {}",
            settings.slotName(), database.where(), e.getMessage());
      }
    }
    return true;
  }

  /** ACTIVE while heartbeats come back and the brokers answer; STALLED, with the reason, otherwise. */
  private void judgeLiveness(@Nullable String brokerProblem) {
    String stalled = watch.stalled();
    String reason = stalled == null ? brokerProblem
        : stalled + (brokerProblem != null ? "; " + brokerProblem
            : publisherTrouble != null ? "; the publisher: " + publisherTrouble : "");
    synchronized (this) {
      RelayStatus current = status;
      if (reason != null && current.state() == RelayState.ACTIVE) {
        status = new RelayStatus(RelayState.STALLED, reason, -1, Instant.now());
        log.error("relay for slot {} is STALLED: {}", settings.slotName(), reason);
      } else if (reason != null && current.state() == RelayState.STALLED) {
        status = new RelayStatus(RelayState.STALLED, reason, -1, current.since());
      } else if (reason == null && current.state() == RelayState.STALLED) {
        status = new RelayStatus(RelayState.ACTIVE, null, -1, Instant.now());
        log.info("relay for slot {} is ACTIVE again: heartbeats come back and the brokers answer", settings.slotName());
      }
    }
  }

  /** FAILED for a publication that lacks what the relay reads: goes on once it is repaired. */
  private void checkRepaired() {
    try {
      PublicationCheck.State state = publicationCheck.read(control().connection());
      if (publicationCheck.problem(state) == null) {
        log.info("relay for slot {}: publication {} holds the relay's tables again: filling the gap and streaming",
            settings.slotName(), settings.publicationName());
        awaitingRepair = false;
        setState(RelayState.STARTING, "publication " + settings.publicationName() + " repaired: filling the gap");
        electAndRun();
      }
    } catch (SQLException | RuntimeException e) {
      log.warn("relay for slot {}: checking publication {} failed: {}", settings.slotName(),
          settings.publicationName(), e.getMessage());
    }
  }

  private void retrying(@Nullable String reason) {
    publisherTrouble = reason;
    RelayStatus current = status;
    if (current.state() == RelayState.ACTIVE || (current.state() == RelayState.STARTING && recovering != null)) {
      // active, or filling a gap before the engine starts: say what the publisher waits for
      status = new RelayStatus(current.state(), reason, -1, current.since());
    }
  }

  // ---- close ---------------------------------------------------------------------------------------

  @Override
  public void close() {
    ScheduledExecutorService scheduler;
    synchronized (this) {
      if (closing || status.state() == RelayState.STOPPED) {
        return;
      }
      closing = true;
      closes++;
      scheduler = monitor;
    }
    KafkaPublisher recovery = recovering;
    if (recovery != null) {
      recovery.stop(); // a recovery waiting for the broker gives up; it runs again on the next start
    }
    String incomplete = null;
    if (scheduler != null) {
      // stop the engine on the monitor thread, so that it never races an election running there
      try {
        scheduler.submit(() -> {
          RunningEngine running = engine;
          if (running != null) {
            stopEngine(running, true);
            engine = null;
          }
          ControlConnection c = control;
          if (c != null) {
            c.close();
          }
          BrokerCheck broker = brokerCheck;
          if (broker != null) {
            broker.close();
          }
        }).get(2, TimeUnit.MINUTES);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        incomplete = "its close() was interrupted before the engine had stopped";
      } catch (Exception e) {
        log.warn("relay for slot {}: closing did not complete cleanly: {}", settings.slotName(), e.toString());
        incomplete = "its close() did not complete (" + e + ")";
      }
      scheduler.shutdownNow();
    }
    synchronized (this) {
      RelayState before = status.state();
      setState(RelayState.STOPPED, before == RelayState.FAILED ? status.reason() : null);
      monitor = null;
      control = null;
      brokerCheck = null;
      engine = null;
      awaitingRepair = false;
      running = false;
      closing = false;
      if (incomplete != null) {
        unrestartable = incomplete; // an engine of this run may still be stopping: no second one beside it
      }
    }
    log.info("relay for slot {} stopped", settings.slotName());
  }

  // ---- helpers -------------------------------------------------------------------------------------

  private ControlConnection control() {
    ControlConnection c = control;
    if (c == null) {
      throw new IllegalStateException("relay not started");
    }
    return c;
  }

  private void schedule(Runnable task, long delayMillis) {
    ScheduledExecutorService scheduler = monitor;
    if (scheduler != null && !closing) {
      try {
        scheduler.schedule(task, delayMillis, TimeUnit.MILLISECONDS);
      } catch (java.util.concurrent.RejectedExecutionException ignored) {
        // closing
      }
    }
  }

  private synchronized void setState(RelayState state, @Nullable String reason) {
    if (status.state() == RelayState.STOPPED) {
      return;
    }
    if (status.state() != state || reason != null) {
      status = new RelayStatus(state, reason, -1, Instant.now());
    }
  }

  private void fail(String reason) {
    setState(RelayState.FAILED, reason);
    log.error("relay for slot {} FAILED: {}", settings.slotName(), reason);
  }

  private static void sleepQuietly(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  static ThreadFactory daemonThreads(String name) {
    return runnable -> {
      Thread thread = new Thread(runnable, name);
      thread.setDaemon(true);
      return thread;
    };
  }

  /** One run of the Debezium engine, from launch to completion. */
  private final class RunningEngine implements DebeziumEngine.CompletionCallback {

    final KafkaPublisher publisher;
    final RelayChangeConsumer consumer;
    final ExecutorService executor =
        Executors.newSingleThreadExecutor(daemonThreads("outboxkit-relay-engine-" + settings.slotName()));
    final CountDownLatch finished = new CountDownLatch(1);
    final long launchedAt = System.nanoTime();
    /** The run this engine belongs to: the number of closes when it was launched. */
    final long run = closes;
    volatile boolean stopping;
    /** Debezium reported its task started: from then on the stream's liveness is judged. */
    volatile boolean started;
    volatile @Nullable DebeziumEngine<RecordChangeEvent<SourceRecord>> debezium;

    RunningEngine(KafkaPublisher publisher, RelayChangeConsumer consumer) {
      this.publisher = publisher;
      this.consumer = consumer;
    }

    DebeziumEngine.ConnectorCallback connectorCallback() {
      return new DebeziumEngine.ConnectorCallback() {
        @Override
        public void taskStarted() {
          started = true;
          if (!stopping && run == closes) {
            setState(RelayState.ACTIVE, null);
            log.info("relay for slot {} is ACTIVE: streaming {}", settings.slotName(), settings.describe());
          }
        }
      };
    }

    @Override
    public void handle(boolean success, String message, @Nullable Throwable error) {
      try {
        if (!stopping && run == closes) {
          restartAfterFailure(this, EngineFailures.explain(settings, message, error));
        }
      } finally {
        finished.countDown();
      }
    }
  }
}
