package io.outboxkit.relay;

import io.outboxkit.core.OutboxException;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.KafkaException;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The relay's coordinator: start-up checks, then, on its monitor thread, the {@link LeaderElection} and one
 * {@link EngineRun} at a time while leader, started again after a failure when {@link EngineRestarts} says;
 * and the one {@link RelayState} that all of it reports.
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
  static final long PUBLICATION_CHECK_MILLIS = 2_000;
  static final long WAITING_REPORT_MILLIS = 5_000;

  private final RelaySettings settings;
  private final EngineFactory engines;
  private final RelayDatabase database;
  private final Metrics metrics;
  private final StreamWatch watch;
  private final PublicationCheck publicationCheck;
  private final StoredPosition enginePosition;
  private final StreamRecovery recovery;
  private final EngineRestarts restarts = new EngineRestarts();
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

  /** The monitor thread of a start whose checks passed, until the close after it; guarded by this. */
  private @Nullable ScheduledExecutorService monitor;
  private @Nullable ControlConnection control;
  private @Nullable LeaderElection election;
  private volatile @Nullable EngineRun engine;
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
    this.metrics = Metrics.create(settings.meterRegistry(), settings.replicationSlot());
    this.watch = new StreamWatch(settings);
    this.publicationCheck = new PublicationCheck(settings);
    this.enginePosition = new StoredPosition(settings);
    this.recovery = new StreamRecovery(settings, metrics, enginePosition);
    this.status = new RelayStatus(RelayState.NEW, null, -1, Instant.now());
  }

  @Override
  public void start() {
    long run;
    synchronized (this) {
      if (closing) {
        throw new IllegalStateException("the relay is closing: start it again once close() returned");
      }
      if (started()) {
        throw new IllegalStateException("the relay was started before: close it before starting it again");
      }
      if (unrestartable != null) {
        throw new IllegalStateException("the relay cannot be started again: " + unrestartable
            + "; build a new relay");
      }
      run = closes;
      restarts.reset();
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
          + "a dead-letter topic outside the prefix (the default {} is)", settings.replicationSlot(),
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
          + "detected, and a quiet outbox holds WAL while other tables change", settings.replicationSlot());
    }
    ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(
        daemonThreads("outboxkit-relay-monitor-" + settings.replicationSlot()));
    synchronized (this) {
      if (closes != run) { // closed while the checks ran
        scheduler.shutdown();
        return;
      }
      monitor = scheduler;
      control = new ControlConnection(database);
      election = new LeaderElection(settings, control);
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

  /**
   * Whether a start owns the relay: from the STARTING it sets until the close after it (its monitor runs once
   * its checks passed), so the relay is not started twice; a start whose checks failed leaves the relay
   * FAILED without a monitor, and it may be started again. Called holding this.
   */
  private boolean started() {
    return monitor != null || status.state() == RelayState.STARTING;
  }

  /** The start-up checks failed: FAILED with the reason, and the relay may be started again. */
  private void failStart(long run, String reason) {
    synchronized (this) {
      if (closes != run) {
        return; // closed meanwhile: the close set the state
      }
      fail(reason);
    }
  }

  @Override
  public void prepareReplication() {
    prepare();
  }

  @Override
  public RelayStatus status() {
    RelayStatus current = status;
    String reason = current.reason();
    EngineRun running = engine;
    if (reason == null && current.state() == RelayState.ACTIVE && running != null) {
      reason = running.publisher().waiting(WAITING_REPORT_MILLIS);
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
    long wait = restarts.millisToWait();
    if (engine == null && wait > 0) {
      schedule(this::electAndRun, wait);
      return;
    }
    try {
      boolean leader = election().tryLead();
      RelayState state = status.state();
      if (leader && engine == null && state != RelayState.FAILED) {
        if (state == RelayState.STANDBY) {
          log.info("relay for slot {} took over: the leader lock is free", settings.replicationSlot());
          repairAtLaunch = true;
        }
        launchEngine();
      } else if (!leader && state == RelayState.STARTING) {
        setState(RelayState.STANDBY, null);
        log.info("relay for slot {} stands by: another instance holds the leader lock", settings.replicationSlot());
      }
      schedule(this::checkLeadership, leader ? LEADER_CHECK_MILLIS : STANDBY_POLL_MILLIS);
    } catch (SQLException | RuntimeException e) {
      log.warn("relay for slot {}: leader election failed, trying again: {}", settings.replicationSlot(), e.getMessage());
      schedule(this::electAndRun, STANDBY_POLL_MILLIS);
    }
  }

  private void checkLeadership() {
    if (closing || status.state() == RelayState.FAILED) {
      return;
    }
    EngineRun running = engine;
    if (running != null && running.hasEnded()) {
      engine = null; // the engine ended on its own; restartAfterFailure set the state and the backoff
      running.releaseThread();
      running = null;
    }
    if (running != null && !election().stillLeads()) {
      log.warn("relay for slot {} lost the leader lock (its database session ended): stopping the engine and "
          + "standing by", settings.replicationSlot());
      running.stop(false);
      engine = null;
      setState(RelayState.STANDBY, null);
    }
    electAndRun();
  }

  private void launchEngine() {
    boolean repair = repairAtLaunch;
    repairAtLaunch = false;
    KafkaPublisher publisher;
    try {
      publisher = new KafkaPublisher(settings, metrics, this::retrying,
          PublishTracing.create(settings.tracing(), settings.openTelemetry()));
    } catch (KafkaException e) {
      fail("the Kafka producer cannot be created with bootstrapServers=" + settings.bootstrapServers()
          + " and the given producer properties: " + EngineFailures.explain(settings, e.getMessage(), e));
      election().release();
      return;
    }
    if (!prepareStream(publisher, repair)) {
      publisher.close();
      return;
    }
    watch.reset();
    EngineRun launched = new EngineRun(settings, engines, publisher, watch, reportsOf(closes));
    engine = launched;
    launched.launch();
  }

  /** What the engine runs of the start numbered {@code run} report; nothing acts on it once that start closed. */
  private EngineRun.Listener reportsOf(long run) {
    return new EngineRun.Listener() {
      @Override
      public void started(EngineRun engineRun) {
        if (run == closes) {
          setState(RelayState.ACTIVE, null);
          log.info("relay for slot {} is ACTIVE: streaming {}", settings.replicationSlot(), settings.describe());
        }
      }

      @Override
      public void ended(EngineRun engineRun, String reason) {
        if (run == closes) {
          restartAfterFailure(engineRun, reason);
        }
      }
    };
  }

  /**
   * Before an engine starts: puts back what is missing of the publication (only when {@code repair}: at a
   * start or a takeover, never behind an operator's back while running), makes sure the slot exists,
   * fills any gap in the stream from the outbox table, and forgets a stored position the slot has moved
   * past (see {@link StoredPosition}). False if the engine must not start now (the
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
      // another client (Kafka Connect after a move) may have consumed the slot past the stored position, which
      // Debezium would then refuse on every start
      enginePosition.forgetIfBehindSlot(connection);
      knownIdentity = state.identity();
      return true;
    } catch (InterruptedException e) {
      log.info("relay for slot {}: recovery stopped by close(); it runs again on the next start", settings.replicationSlot());
      return false;
    } catch (SQLException | RuntimeException e) {
      log.warn("relay for slot {}: preparing the stream in {} failed, trying again: {}", settings.replicationSlot(),
          database.where(), e.getMessage() == null ? e.toString() : settings.say(e.getMessage()));
      repairAtLaunch = repair; // the next try repairs if this one was to
      return false;
    } finally {
      recovering = null;
    }
  }

  /**
   * The engine ended on its own (database gone for longer than Debezium's retries, slot taken, ...): release
   * the leader lock so that a standby may take over, and start a new engine after the backoff that {@link
   * EngineRestarts} gives. Runs on the engine's thread.
   */
  private void restartAfterFailure(EngineRun failed, String reason) {
    EngineRestarts.Restart restart = restarts.failed(failed.age());
    long delay = restart.delay().toMillis();
    setState(restart.state(), "the engine stopped (" + reason + "); starting again in " + delay / 1000 + " s (attempt "
        + restart.attempt() + ")");
    log.error("relay for slot {}: the engine stopped: {}; starting again in {} ms (attempt {}); events not "
        + "acknowledged are sent again", settings.replicationSlot(), reason, delay, restart.attempt());
    ScheduledExecutorService scheduler = monitor;
    LeaderElection leader = election;
    if (scheduler != null && leader != null) {
      try {
        scheduler.execute(leader::release); // a standby may take over meanwhile
      } catch (RejectedExecutionException ignored) {
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
    EngineRun running = engine;
    RelayState state = status.state();
    if (running == null || running.isStopping() || running.hasEnded()
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
    if (running.hasStarted()) {
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
  private boolean watchStream(EngineRun running, long now) {
    try {
      Connection connection = control().connection();
      StreamWatch.Returned back = watch.takeReturned();
      if (back != null || now - lastPublicationNanos >= PUBLICATION_CHECK_MILLIS * 1_000_000) {
        lastPublicationNanos = now;
        PublicationCheck.State state = publicationCheck.read(connection);
        String problem = publicationCheck.problem(state);
        if (problem != null) {
          log.error("relay for slot {}: {}; stopping the engine until then", settings.replicationSlot(),
              settings.say(problem));
          running.stop(true);
          engine = null;
          awaitingRepair = true;
          fail(problem);
          return false;
        }
        if (!state.identity().equals(knownIdentity)) {
          log.warn("relay for slot {}: publication {} changed while the relay streamed (a table left it and joined "
              + "it again, or it was made again): stopping the engine to read the events the stream may have missed",
              settings.replicationSlot(), settings.publication());
          running.stop(true);
          engine = null; // the leader check launches the next engine, which fills the gap first
          setState(RelayState.STARTING, "publication " + settings.publication() + " changed: filling the gap");
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
        log.info("relay for slot {}: checking the stream works again", settings.replicationSlot());
      }
    } catch (SQLException | RuntimeException e) {
      if (!checkFailing) { // once per outage, not every tick
        checkFailing = true;
        log.warn("relay for slot {}: checking the stream in {} failed (tried again every tick, logged once): {}",
            settings.replicationSlot(), database.where(), e.getMessage());
      }
    }
    return true;
  }

  /** ACTIVE while heartbeats come back and the brokers answer; STALLED, with the reason, otherwise. */
  private void judgeLiveness(@Nullable String brokerProblem) {
    String stalled = watch.stalled();
    String problem = stalled == null ? brokerProblem
        : stalled + (brokerProblem != null ? "; " + brokerProblem
            : publisherTrouble != null ? "; the publisher: " + publisherTrouble : "");
    String reason = problem == null ? null : settings.say(problem);
    synchronized (this) {
      RelayStatus current = status;
      if (reason != null && current.state() == RelayState.ACTIVE) {
        status = new RelayStatus(RelayState.STALLED, reason, -1, Instant.now());
        log.error("relay for slot {} is STALLED: {}", settings.replicationSlot(), reason);
      } else if (reason != null && current.state() == RelayState.STALLED) {
        status = new RelayStatus(RelayState.STALLED, reason, -1, current.since());
      } else if (reason == null && current.state() == RelayState.STALLED) {
        status = new RelayStatus(RelayState.ACTIVE, null, -1, Instant.now());
        log.info("relay for slot {} is ACTIVE again: heartbeats come back and the brokers answer", settings.replicationSlot());
      }
    }
  }

  /** FAILED for a publication that lacks what the relay reads: goes on once it is repaired. */
  private void checkRepaired() {
    try {
      PublicationCheck.State state = publicationCheck.read(control().connection());
      if (publicationCheck.problem(state) == null) {
        log.info("relay for slot {}: publication {} holds the relay's tables again: filling the gap and streaming",
            settings.replicationSlot(), settings.publication());
        awaitingRepair = false;
        setState(RelayState.STARTING, "publication " + settings.publication() + " repaired: filling the gap");
        electAndRun();
      }
    } catch (SQLException | RuntimeException e) {
      log.warn("relay for slot {}: checking publication {} failed: {}", settings.replicationSlot(),
          settings.publication(), e.getMessage());
    }
  }

  /** The publisher's retry reason; null once it no longer retries. Synchronized: never over a later STOPPED. */
  private synchronized void retrying(@Nullable String reason) {
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
          EngineRun running = engine;
          if (running != null) {
            running.stop(true);
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
        log.warn("relay for slot {}: closing did not complete cleanly: {}", settings.replicationSlot(), e.toString());
        incomplete = "its close() did not complete (" + e + ")";
      }
      scheduler.shutdownNow();
    }
    synchronized (this) {
      RelayState before = status.state();
      setState(RelayState.STOPPED, before == RelayState.FAILED ? status.reason() : null);
      monitor = null;
      control = null;
      election = null;
      brokerCheck = null;
      engine = null;
      awaitingRepair = false;
      closing = false;
      if (incomplete != null) {
        unrestartable = incomplete; // an engine of this run may still be stopping: no second one beside it
      }
    }
    log.info("relay for slot {} stopped", settings.replicationSlot());
  }

  // ---- helpers -------------------------------------------------------------------------------------

  private ControlConnection control() {
    ControlConnection c = control;
    if (c == null) {
      throw new IllegalStateException("relay not started");
    }
    return c;
  }

  private LeaderElection election() {
    LeaderElection e = election;
    if (e == null) {
      throw new IllegalStateException("relay not started");
    }
    return e;
  }

  private void schedule(Runnable task, long delayMillis) {
    ScheduledExecutorService scheduler = monitor;
    if (scheduler != null && !closing) {
      try {
        scheduler.schedule(task, delayMillis, TimeUnit.MILLISECONDS);
      } catch (RejectedExecutionException ignored) {
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

  private void fail(String problem) {
    String reason = settings.say(problem);
    setState(RelayState.FAILED, reason);
    log.error("relay for slot {} FAILED: {}", settings.replicationSlot(), reason);
  }

  static ThreadFactory daemonThreads(String name) {
    return runnable -> {
      Thread thread = new Thread(runnable, name);
      thread.setDaemon(true);
      return thread;
    };
  }
}
