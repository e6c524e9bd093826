package io.outboxkit.saga;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.opentelemetry.api.OpenTelemetry;
import io.outboxkit.core.OutboxConfigurationException;
import io.outboxkit.core.ServerUnavailableException;
import io.outboxkit.core.SqlIdentifier;
import io.outboxkit.core.TableName;
import io.outboxkit.core.internal.DatabaseFailures;
import io.outboxkit.core.internal.JdbcTransactions;
import io.outboxkit.core.internal.MeterRegistries;
import io.outboxkit.inbox.InvalidMessageException;
import io.outboxkit.inbox.kafka.InboxBatchHandler;
import io.outboxkit.inbox.kafka.InboxHandler;
import io.outboxkit.inbox.kafka.InboxMessage;
import io.outboxkit.inbox.kafka.RecordTracing;
import io.outboxkit.writer.OutboxWriter;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs sagas: starts them in the caller's transaction, advances them on replies and repairs the ones whose
 * deadline passed.
 *
 * <p><b>Starting.</b> {@link #start(Connection, String, String, Object)} inserts the saga row and writes its
 * first command to the outbox on the caller's connection, in the caller's transaction: both commit with the
 * business change or not at all. The saga id is a business id: starting the same type and id again does
 * nothing and returns false.
 *
 * <p><b>Replies.</b> Participants reply through their outbox to the orchestrator's reply channel. Consume
 * that topic with an {@link io.outboxkit.inbox.kafka.InboxKafkaRunner} whose handler is {@link #replyHandler()}:
 * in the inbox's transaction (so each reply record is taken once) the saga row is locked, the state machine
 * moves (the row's version is checked and incremented), and the next command or compensation is written to
 * the outbox. A reply for a step or phase the saga no longer waits on (late, repeated, out of order) is
 * recorded as IGNORED and changes nothing. A reply that is malformed, or for an unknown saga, is refused with
 * an {@link InvalidMessageException}, which the runner sends to its dead-letter topic.
 *
 * <p><b>Deadlines and repair.</b> Every saga in progress has a next check time: the reply deadline of the
 * command that is out, or the time of a retry. {@link #startScanner()} runs {@link #scanOnce()} every scan
 * interval (default 1 s) in every orchestrator instance; each claims due sagas with
 * {@code FOR UPDATE SKIP LOCKED}, so instances share the work and each saga is moved by one at a time. A due
 * saga's command is sent again with the same step and phase (the participant's barrier absorbs repeats) until
 * the step's attempts are used up; then the action counts as failed and the saga compensates, or a
 * compensation that kept failing leaves the saga FAILED with the reason, for an operator
 * ({@link #retry(String, String)}).
 *
 * <p>Thread-safe. One orchestrator serves every saga type it was built with.
 */
public final class SagaOrchestrator implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(SagaOrchestrator.class);
  private static final Pattern CHANNEL = Pattern.compile("[A-Za-z0-9_.\\-]{1,255}");

  /** The default reply channel (aggregate type of replies): {@value}. */
  public static final String DEFAULT_REPLY_CHANNEL = "saga-replies";

  private final DataSource dataSource;
  private final OutboxWriter writer;
  private final Map<String, SagaDefinition<?>> definitions;
  private final SagaStore store;
  private final SagaEngine engine;
  private final ObjectMapper mapper;
  private final Clock clock;
  private final String replyChannel;
  private final Duration scanInterval;
  private final int scanBatchSize;
  private final SagaCounters counters;
  private final SagaTracing tracing;
  private final boolean springPresent;
  private @Nullable ScheduledExecutorService scanner;

  private SagaOrchestrator(Builder builder) {
    this.dataSource = builder.dataSource;
    this.writer = builder.writer;
    this.definitions = Map.copyOf(builder.definitions);
    this.store = new SagaStore(SqlIdentifier.of("saga schema", builder.schema));
    this.mapper = builder.mapper;
    this.clock = builder.clock;
    this.replyChannel = builder.replyChannel;
    this.scanInterval = builder.scanInterval;
    this.scanBatchSize = builder.scanBatchSize;
    this.tracing = SagaTracing.create(builder.tracing, builder.openTelemetry);
    this.counters = new SagaCounters(SagaMeters.create(builder.meterRegistry, builder.definitions.keySet()), clock);
    this.engine = new SagaEngine(mapper, replyChannel, clock, counters);
    this.springPresent = isPresent("org.springframework.transaction.support.TransactionSynchronizationManager");
  }

  /**
   * A builder for an orchestrator on {@code dataSource} (the database of the saga tables and of the outbox
   * that {@code writer} writes) that sends commands through {@code writer}.
   */
  public static Builder builder(DataSource dataSource, OutboxWriter writer) {
    if (dataSource == null || writer == null) {
      throw new OutboxConfigurationException("SagaOrchestrator.builder needs the DataSource of the saga tables and"
          + " the OutboxWriter of the same database, got " + dataSource + " and " + writer);
    }
    return new Builder(dataSource, writer);
  }

  /**
   * Starts a saga in the transaction in progress on {@code connection} (not in auto-commit mode): the saga
   * row, the first local steps and the first command commit with that transaction.
   *
   * @param sagaType a definition's name
   * @param sagaId the saga's business id, 1 to 255 characters
   * @param data the saga's data, an instance of the definition's data type
   * @return true when this call started the saga, false when a saga with this type and id exists already
   * @throws SagaException when the type is unknown, the id or data are not accepted, or the data cannot be
   *     written as JSON (nothing was written)
   * @throws ServerUnavailableException when the database cannot be reached
   */
  public boolean start(Connection connection, String sagaType, String sagaId, Object data) {
    boolean started = startOn(connection, sagaType, sagaId, data);
    if (started) {
      counters.started(sagaType);
    }
    return started;
  }

  private boolean startOn(Connection connection, String sagaType, String sagaId, Object data) {
    SagaDefinition<?> definition = definition(sagaType);
    if (sagaId == null || sagaId.isBlank() || sagaId.length() > 255) {
      throw new SagaException("saga id '" + sagaId + "' is not accepted: give 1 to 255 characters, not blank");
    }
    if (!definition.dataType().isInstance(data)) {
      throw new SagaException("saga '" + sagaType + "' takes data of type " + definition.dataType().getName()
          + ", got " + (data == null ? "null" : data.getClass().getName()));
    }
    try {
      if (connection.getAutoCommit()) {
        throw new SagaException("start(connection, ..) needs a connection with a transaction in progress (auto-commit"
            + " off), so that the saga commits with your business change: call start(type, id, data) to let the"
            + " orchestrator run its own transaction");
      }
      return startIn(connection, definition, sagaId, data);
    } catch (SQLException e) {
      throw failure("starting saga " + sagaType + "/" + sagaId, e);
    }
  }

  /**
   * Starts a saga in the Spring-managed transaction bound to this thread for the orchestrator's DataSource
   * when there is one (spring-jdbc on the class path), else in a transaction of its own, committed before
   * this returns. See {@link #start(Connection, String, String, Object)}.
   */
  public boolean start(String sagaType, String sagaId, Object data) {
    Connection bound = springPresent ? SpringConnections.bound(dataSource) : null;
    if (bound != null) {
      boolean started = startOn(bound, sagaType, sagaId, data);
      if (started) {
        SpringConnections.afterCommit(() -> counters.started(sagaType));
      }
      return started;
    }
    boolean started = inTransaction("starting saga " + sagaType + "/" + sagaId,
        connection -> startOn(connection, sagaType, sagaId, data));
    if (started) {
      counters.started(sagaType);
    }
    return started;
  }

  private <D> boolean startIn(Connection connection, SagaDefinition<D> definition, String sagaId, Object data)
      throws SQLException {
    D typed = definition.dataType().cast(data);
    String json;
    try {
      json = engine.write(typed);
    } catch (JsonProcessingException e) {
      throw new SagaException("the data of saga " + definition.name() + "/" + sagaId + " cannot be written as JSON: "
          + e.getOriginalMessage(), e);
    }
    var deadline = definition.timeout() == null ? null : clock.instant().plus(definition.timeout());
    SagaRun run = new SagaRun(definition.name(), sagaId, 0, SagaState.RUNNING, 0, 0, null, false, json, null,
        deadline, null);
    run.createdAt = clock.instant();
    boolean[] inserted = {false};
    traced("start", run, () -> {
      run.traceContext = tracing.currentContext();
      if (store.insert(connection, definition.name(), sagaId, json, deadline, run.traceContext)) {
        inserted[0] = true;
        engine.start(run, definition, typed, connection);
        commit(connection, run);
      }
    });
    return inserted[0];
  }

  /** A transition of the saga, worked out in the caller's transaction. */
  @FunctionalInterface
  private interface Move {
    void run() throws SQLException;
  }

  /**
   * Runs a transition inside its span ({@link SagaTracing}): the commands it writes carry the span's context,
   * and the span records where the saga went and whether the transition began the compensation.
   */
  private void traced(String kind, SagaRun run, Move move) throws SQLException {
    SagaState before = run.state;
    try (SagaTracing.Transition span = tracing.start(kind, run, run.traceContext)) {
      try {
        move.run();
      } catch (SQLException | RuntimeException e) {
        span.failed(e);
        throw e;
      }
      boolean compensationBegan = before == SagaState.RUNNING && run.state != SagaState.RUNNING
          && run.state != SagaState.COMPLETED;
      span.done(run, compensationBegan ? Objects.requireNonNullElse(run.lastError, "") : null);
    }
  }

  /**
   * The handler for an {@link io.outboxkit.inbox.kafka.InboxKafkaRunner} on the reply channel's topic. The
   * runner must use the orchestrator's database for its inbox.
   */
  public InboxHandler replyHandler() {
    return this::onReply;
  }

  /**
   * The batch form of {@link #replyHandler()}, for an {@link io.outboxkit.inbox.kafka.InboxKafkaRunner} built
   * with {@code batchHandler(..)}: the replies of one poll move their sagas in one transaction. The sagas are
   * locked with one statement, each reply is taken in turn (a saga with several replies in the batch moves
   * once per reply, in their order), the next commands are written as each reply is taken, and the sagas' rows
   * and history are written once at the end. A malformed reply or one for an unknown saga fails the batch; the
   * runner then takes the records one at a time, so that one is dead-lettered alone. Each reply has the same
   * effect as with {@link #replyHandler()}; under load this form needs far fewer round trips and commits.
   */
  public InboxBatchHandler replyBatchHandler() {
    return this::onReplies;
  }

  /** A reply's headers, read and checked. */
  private record ReplyNote(InboxMessage message, SagaMessages.Address address, String outcome,
      SagaDefinition<?> definition) {
  }

  private ReplyNote read(InboxMessage message) {
    SagaMessages.Address reply = SagaMessages.Address.of(message, "reply");
    String outcome = SagaMessages.required(message, "reply", SagaHeaders.OUTCOME);
    if (!outcome.equals("SUCCESS") && !outcome.equals("FAILURE") && !outcome.equals("ERROR")) {
      throw new InvalidMessageException("reply " + message + " has " + SagaHeaders.OUTCOME + " '" + outcome
          + "': expected SUCCESS, FAILURE or ERROR");
    }
    SagaDefinition<?> definition = definitions.get(reply.sagaType());
    if (definition == null) {
      throw new InvalidMessageException("reply " + message + " is for saga type '" + reply.sagaType()
          + "', which this orchestrator does not run (it runs " + definitions.keySet() + ")");
    }
    if (reply.step() < 0 || reply.step() >= definition.steps().size()) {
      throw new InvalidMessageException("reply " + message + " is for step " + reply.step() + " of saga type '"
          + reply.sagaType() + "', which has steps 0 to " + (definition.steps().size() - 1));
    }
    return new ReplyNote(message, reply, outcome, definition);
  }

  private static InvalidMessageException unknownSaga(ReplyNote reply) {
    return new InvalidMessageException("reply " + reply.message() + " is for saga " + reply.address().sagaType()
        + "/" + reply.address().sagaId() + ", which does not exist");
  }

  private void onReply(InboxMessage message, Connection connection) throws SQLException {
    ReplyNote reply = read(message);
    SagaRun run = store.lock(connection, reply.address().sagaType(), reply.address().sagaId());
    if (run == null) {
      throw unknownSaga(reply);
    }
    take(reply, run, connection);
    store.update(connection, run);
  }

  private void onReplies(List<InboxMessage> messages, Connection connection) throws SQLException {
    List<ReplyNote> replies = new ArrayList<>(messages.size());
    for (InboxMessage message : messages) {
      replies.add(read(message));
    }
    Map<SagaStore.Key, SagaRun> runs = store.lockAll(connection,
        replies.stream().map(r -> new SagaStore.Key(r.address().sagaType(), r.address().sagaId())).toList());
    for (ReplyNote reply : replies) {
      SagaRun run = runs.get(new SagaStore.Key(reply.address().sagaType(), reply.address().sagaId()));
      if (run == null) {
        throw unknownSaga(reply);
      }
      // a consumer span per reply, as the runner makes per record outside batches: the transition joins the
      // reply's trace, not the batch's
      try (RecordTracing.TraceSpan span = reply.message().startSpan()) {
        take(reply, run, connection);
      }
    }
    store.updateAll(connection, runs.values());
  }

  /**
   * Takes one reply into a locked saga: moves it, or records the reply as IGNORED when the saga no longer waits
   * on it. Writes the commands the move sends; the caller writes the saga's row.
   */
  private void take(ReplyNote reply, SagaRun run, Connection connection) throws SQLException {
    SagaMessages.Address address = reply.address();
    String outcome = reply.outcome();
    SagaDefinition<?> definition = reply.definition();
    boolean expected = run.step == address.step()
        && ((address.phase() == SagaPhase.ACTION && run.state == SagaState.RUNNING)
            || (address.phase() == SagaPhase.COMPENSATION && run.state == SagaState.COMPENSATING))
        && (outcome.equals("SUCCESS") || "REPLY".equals(run.waitingFor));
    if (!expected) {
      run.history.add(new SagaRun.Line(address.step(), definition.step(address.step()).name, address.phase().name(),
          "IGNORED", run.attempt, outcome + " reply while the saga is " + run.state + " at step " + run.step
              + ("RETRY".equals(run.waitingFor) ? " waiting to retry" : "")));
      counters.ignoredReply(address.sagaType());
      return;
    }
    InboxMessage message = reply.message();
    traced("reply", run, () -> {
      engine.onReply(run, definition, address.phase(), outcome, message.header(SagaHeaders.REASON),
          message.header(SagaHeaders.EFFECT), message.valueAsString(), connection);
      sendCommands(connection, run);
    });
  }

  /**
   * Claims the sagas whose next check time has come (up to the scan batch size) and moves each: resends,
   * timeouts, compensation, the saga's deadline. Each saga is handled behind a savepoint: one that cannot be
   * moved (its data no longer reads, say) is put off by a minute and logged, the others go on.
   *
   * @return how many sagas were moved
   */
  public int scanOnce() {
    return inTransaction("scanning for due sagas", connection -> {
      int moved = 0;
      for (SagaRun run : store.claimDue(connection, clock.instant(), scanBatchSize)) {
        SagaDefinition<?> definition = definitions.get(run.sagaType);
        if (definition == null) {
          continue;
        }
        Savepoint savepoint = connection.setSavepoint();
        try {
          traced("due", run, () -> {
            engine.onDue(run, definition, connection);
            commit(connection, run);
          });
          connection.releaseSavepoint(savepoint);
          moved++;
        } catch (SQLException e) {
          if (DatabaseFailures.isUnavailable(e)) {
            throw e;
          }
          connection.rollback(savepoint);
          putOff(connection, run, e);
        } catch (RuntimeException e) {
          connection.rollback(savepoint);
          putOff(connection, run, e);
        }
      }
      return moved;
    });
  }

  private void putOff(Connection connection, SagaRun due, Exception e) throws SQLException {
    log.error("{} could not be moved; it is tried again in a minute", due, e);
    SagaRun again = store.lock(connection, due.sagaType, due.sagaId);
    if (again != null) {
      again.lastError = SagaEngine.truncate("could not be moved: " + SagaEngine.describe(e));
      again.nextCheckAt = clock.instant().plus(Duration.ofMinutes(1));
      store.update(connection, again);
    }
  }

  /** Starts the scanner thread: {@link #scanOnce()} every scan interval until {@link #close()}. */
  public synchronized void startScanner() {
    if (scanner != null) {
      return;
    }
    ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor(task -> {
      Thread thread = new Thread(task, "outboxkit-saga-scanner");
      thread.setDaemon(true);
      return thread;
    });
    executor.scheduleWithFixedDelay(() -> {
      try {
        while (scanOnce() >= scanBatchSize) {
          // a full batch: more may be due
        }
      } catch (RuntimeException e) {
        log.warn("saga scan failed, next try in {}: {}", scanInterval, e.toString());
      }
    }, scanInterval.toMillis(), scanInterval.toMillis(), TimeUnit.MILLISECONDS);
    scanner = executor;
  }

  /** Stops the scanner, waiting up to 30 s for a scan in progress. Idempotent. */
  @Override
  public synchronized void close() {
    if (scanner != null) {
      scanner.shutdown();
      try {
        scanner.awaitTermination(30, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      scanner = null;
    }
  }

  /** The saga with this type and id, if there is one. */
  public Optional<SagaInstance> find(String sagaType, String sagaId) {
    return Optional.ofNullable(inTransaction("reading saga " + sagaType + "/" + sagaId,
        connection -> store.find(connection, sagaType, sagaId, index -> stepName(sagaType, index))));
  }

  /** Up to {@code limit} sagas in {@code state}, least recently moved first. */
  public List<SagaInstance> list(SagaState state, int limit) {
    Objects.requireNonNull(state, "state");
    return inTransaction("listing " + state + " sagas",
        connection -> store.list(connection, state, limit, this::stepName));
  }

  /** The audit trail of a saga, oldest first; empty when there is none. */
  public List<SagaHistoryEntry> history(String sagaType, String sagaId) {
    return inTransaction("reading the history of saga " + sagaType + "/" + sagaId,
        connection -> store.history(connection, sagaType, sagaId));
  }

  /**
   * An operator's retry of a FAILED saga, once the cause is repaired: it goes back to COMPENSATING at the step
   * whose compensation failed, with a fresh count of attempts, and the scanner sends that compensation again
   * at its next pass. Recorded in the history as RETRIED.
   *
   * @return true when the saga was FAILED and is compensating again, false otherwise
   */
  public boolean retry(String sagaType, String sagaId) {
    return inTransaction("retrying saga " + sagaType + "/" + sagaId, connection -> {
      boolean retried = store.retry(connection, sagaType, sagaId);
      if (retried) {
        SagaRun run = store.lock(connection, sagaType, sagaId);
        if (run != null) {
          run.history.add(new SagaRun.Line(run.step, stepName(sagaType, run.step), "SAGA", "RETRIED", 0,
              "by an operator"));
          store.update(connection, run);
        }
      }
      return retried;
    });
  }

  /**
   * Deletes COMPLETED and COMPENSATED sagas (and their history) last moved more than {@code maxAge} ago,
   * {@code batchSize} per transaction, until fewer remain. FAILED sagas are kept for an operator.
   *
   * @return how many sagas were deleted
   */
  public long purge(Duration maxAge, int batchSize) {
    return Retention.purge(maxAge, batchSize, (maxAgeMillis, size) -> inTransaction("purging finished sagas",
        connection -> store.purge(connection, maxAgeMillis, size)));
  }

  /**
   * How many sagas are in progress and FAILED now, across all instances, and how many in progress are overdue:
   * their next check passed more than {@code grace} ago, so no scanner has looked at them (none runs, or the
   * database is too slow for the load).
   */
  public Summary summary(Duration grace) {
    Objects.requireNonNull(grace, "grace");
    return inTransaction("summarising the sagas", connection -> store.summary(connection, clock.instant().minus(grace)));
  }

  /**
   * Sagas by state now.
   *
   * @param running sagas RUNNING
   * @param compensating sagas COMPENSATING
   * @param failed sagas FAILED, waiting for an operator
   * @param overdue sagas in progress whose next check is overdue
   */
  public record Summary(long running, long compensating, long failed, long overdue) {
  }

  /** The scan interval. */
  public Duration scanInterval() {
    return scanInterval;
  }

  /** Counters since this orchestrator was built. */
  public Stats stats() {
    return counters.snapshot();
  }

  /** The reply channel: the aggregate type participants reply to. */
  public String replyChannel() {
    return replyChannel;
  }

  /**
   * Counters of an orchestrator.
   *
   * @param started sagas started by this instance: counted when the caller's transaction commits (Spring's, or
   *     the orchestrator's own); with {@code start(Connection, ..)} when the saga row was written, since the
   *     orchestrator cannot see that connection's commit
   * @param completed sagas completed
   * @param compensating sagas that began compensating
   * @param compensated sagas compensated
   * @param failed sagas left FAILED for an operator
   * @param timedOut reply deadlines that passed
   * @param ignoredReplies replies for a step or phase the saga no longer waited on
   */
  public record Stats(long started, long completed, long compensating, long compensated, long failed,
      long timedOut, long ignoredReplies) {
  }

  private void commit(Connection connection, SagaRun run) throws SQLException {
    store.update(connection, run);
    sendCommands(connection, run);
  }

  /** Writes the commands of the transition just worked out, in its span, so that they carry its trace. */
  private void sendCommands(Connection connection, SagaRun run) throws SQLException {
    if (!run.commands.isEmpty()) {
      writer.publishAll(connection, run.commands);
      run.commands.clear();
    }
  }

  private SagaDefinition<?> definition(String sagaType) {
    SagaDefinition<?> definition = definitions.get(sagaType);
    if (definition == null) {
      throw new SagaException("no saga type '" + sagaType + "': this orchestrator runs " + definitions.keySet()
          + " (add the definition to the builder)");
    }
    return definition;
  }

  private String stepName(String sagaType, int index) {
    SagaDefinition<?> definition = definitions.get(sagaType);
    return definition != null && index >= 0 && index < definition.steps().size()
        ? definition.step(index).name : "#" + index;
  }

  private <T> T inTransaction(String what, JdbcTransactions.Work<T> work) {
    try (Connection connection = dataSource.getConnection()) {
      return JdbcTransactions.call(connection, work);
    } catch (SQLException e) {
      throw failure(what, e);
    }
  }

  private static RuntimeException failure(String what, SQLException e) {
    if (DatabaseFailures.isUnavailable(e)) {
      return new ServerUnavailableException(what + ": the database is unavailable: " + e.getMessage(), e);
    }
    return new SagaException(what + " failed: " + e.getMessage(), e);
  }

  private static boolean isPresent(String className) {
    try {
      Class.forName(className, false, SagaOrchestrator.class.getClassLoader());
      return true;
    } catch (ClassNotFoundException | LinkageError e) {
      return false;
    }
  }

  /** Configures a {@link SagaOrchestrator}; each setter checks its value. Not thread-safe. */
  public static final class Builder {

    private final DataSource dataSource;
    private final OutboxWriter writer;
    private final Map<String, SagaDefinition<?>> definitions = new LinkedHashMap<>();
    private String schema = TableName.DEFAULT_SCHEMA;
    private String replyChannel = DEFAULT_REPLY_CHANNEL;
    private Duration scanInterval = Duration.ofSeconds(1);
    private int scanBatchSize = 100;
    private ObjectMapper mapper = new ObjectMapper().findAndRegisterModules();
    private Clock clock = Clock.systemUTC();
    private @Nullable Object meterRegistry;
    private boolean tracing = true;
    private @Nullable Object openTelemetry;

    private Builder(DataSource dataSource, OutboxWriter writer) {
      this.dataSource = dataSource;
      this.writer = writer;
    }

    /** Adds a saga type. Each name once. */
    public Builder definition(SagaDefinition<?> definition) {
      Objects.requireNonNull(definition, "definition");
      if (definitions.putIfAbsent(definition.name(), definition) != null) {
        throw new OutboxConfigurationException("two saga definitions are named '" + definition.name()
            + "': give each saga type its own name");
      }
      return this;
    }

    /** Adds saga types. */
    public Builder definitions(List<? extends SagaDefinition<?>> list) {
      new ArrayList<>(list).forEach(this::definition);
      return this;
    }

    /** The schema of the saga tables. Default {@code public}. */
    public Builder schema(String schema) {
      this.schema = SqlIdentifier.of("saga schema", schema).name();
      return this;
    }

    /**
     * The channel participants reply to: the aggregate type of replies, so the topic is the relay's prefix +
     * this. Default {@value #DEFAULT_REPLY_CHANNEL}.
     */
    public Builder replyChannel(String channel) {
      if (channel == null || !CHANNEL.matcher(channel).matches()) {
        throw new OutboxConfigurationException("SagaOrchestrator replyChannel is '" + channel + "': use 1 to 255"
            + " letters, digits, '_', '.' or '-' (default '" + DEFAULT_REPLY_CHANNEL + "')");
      }
      this.replyChannel = channel;
      return this;
    }

    /** How often the scanner looks for due sagas. Default 1 s. */
    public Builder scanInterval(Duration interval) {
      if (interval == null || interval.isNegative() || interval.isZero()) {
        throw new OutboxConfigurationException("SagaOrchestrator scanInterval is " + interval
            + ": give a positive duration (default 1 s)");
      }
      this.scanInterval = interval;
      return this;
    }

    /** The most sagas one scan transaction claims. Default 100. */
    public Builder scanBatchSize(int size) {
      if (size < 1) {
        throw new OutboxConfigurationException("SagaOrchestrator scanBatchSize is " + size + ": give 1 or more");
      }
      this.scanBatchSize = size;
      return this;
    }

    /** Reads and writes saga data, commands and replies. Default: a new ObjectMapper with the modules found. */
    public Builder objectMapper(ObjectMapper mapper) {
      this.mapper = Objects.requireNonNull(mapper, "objectMapper");
      return this;
    }

    /** The clock of deadlines. Default the system clock, UTC. */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /**
     * Records the orchestrator's meters in {@code meterRegistry}, an
     * {@code io.micrometer.core.instrument.MeterRegistry} (Micrometer stays an optional dependency): counters
     * {@code outboxkit.saga.started}, {@code .compensating}, {@code .timeouts}, {@code .replies.ignored}, the
     * timer {@code outboxkit.saga.duration} (start to final state, by {@code state}) and the timer
     * {@code outboxkit.saga.step.duration} (command to reply, by {@code step}, {@code phase} and
     * {@code outcome}), all tagged {@code saga.type}. Default: no meters.
     *
     * @throws OutboxConfigurationException when it is not a Micrometer registry
     */
    public Builder meterRegistry(Object meterRegistry) {
      this.meterRegistry = MeterRegistries.require("SagaOrchestrator meterRegistry", meterRegistry);
      return this;
    }

    /**
     * Whether the orchestrator's transitions make spans (when opentelemetry-api is on the class path): {@code
     * saga start <type>}, {@code saga reply <type>} and {@code saga due <type>}, so that the saga's commands and
     * compensations join the trace it was started in (see docs/observability.md). Default true.
     */
    public Builder tracing(boolean enabled) {
      this.tracing = enabled;
      return this;
    }

    /**
     * The OpenTelemetry to trace with (opentelemetry-api is an optional dependency). Default
     * {@code GlobalOpenTelemetry}.
     */
    public Builder openTelemetry(OpenTelemetry openTelemetry) {
      this.openTelemetry = Objects.requireNonNull(openTelemetry, "openTelemetry");
      return this;
    }

    /**
     * Builds the orchestrator; does not touch the database.
     *
     * @throws OutboxConfigurationException when no definition was added
     */
    public SagaOrchestrator build() {
      if (definitions.isEmpty()) {
        throw new OutboxConfigurationException("SagaOrchestrator has no saga definitions: add them with"
            + " definition(..)");
      }
      return new SagaOrchestrator(this);
    }
  }
}
