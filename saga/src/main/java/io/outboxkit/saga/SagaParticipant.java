package io.outboxkit.saga;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.outboxkit.core.OutboxConfigurationException;
import io.outboxkit.core.OutboxEvent;
import io.outboxkit.core.ServerUnavailableException;
import io.outboxkit.core.SqlIdentifier;
import io.outboxkit.core.TableName;
import io.outboxkit.core.internal.DatabaseFailures;
import io.outboxkit.inbox.InvalidMessageException;
import io.outboxkit.inbox.kafka.InboxBatchHandler;
import io.outboxkit.inbox.kafka.InboxHandler;
import io.outboxkit.inbox.kafka.InboxMessage;
import io.outboxkit.inbox.kafka.RecordTracing;
import io.outboxkit.writer.OutboxWriter;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;

/**
 * A service's side of sagas: handles the commands of its saga steps and their compensations in its own
 * transaction, behind a barrier, and replies through its outbox.
 *
 * <p><b>The barrier.</b> Table {@code saga_barrier} holds one row per saga, step and phase, written in the
 * same transaction as the handler's work; its primary key makes every operation take effect once and settles
 * the two classic races:
 * <ul>
 *   <li>a repeated command (a resend after a timeout, or a redelivery) does not run the handler again: the
 *       first outcome is sent again (for an action, with the same reply data);
 *   <li>a compensation whose action never ran (it failed, or has not arrived yet) does nothing and replies
 *       success with effect {@code NONE} (null compensation), and it leaves a mark that makes the action,
 *       should it arrive later, do nothing and reply FAILURE {@code COMPENSATED_BEFORE_ACTION} (no hanging
 *       reservation). An action and its compensation arriving at once are serialised by the key.
 * </ul>
 * A handler's failure ({@link Reply#failure(String)}) or exception rolls back its work and its barrier row
 * (so a later resend runs it again) and replies FAILURE or ERROR. Only a database that cannot be reached is
 * thrown to the caller, whose runner retries the record.
 *
 * <p><b>Wiring.</b> Consume the participant's channel topic with an
 * {@link io.outboxkit.inbox.kafka.InboxKafkaRunner} whose handler is {@link #commandHandler()}, on the same
 * database as the barrier and the outbox. A command of a type with no handler, or without the saga headers,
 * is refused with an {@link InvalidMessageException} (the runner dead-letters it).
 *
 * <p>Thread-safe.
 */
public final class SagaParticipant {

  /** The reason of the FAILURE reply to an action whose compensation came first. */
  public static final String COMPENSATED_BEFORE_ACTION = "COMPENSATED_BEFORE_ACTION";

  private record Registration<C>(Class<C> type, ParticipantHandler<C> handler) {
  }

  private final DataSource dataSource;
  private final OutboxWriter writer;
  private final ObjectMapper mapper;
  private final Map<String, Registration<?>> actions;
  private final Map<String, Registration<?>> compensations;
  private final String insert;
  private final String select;
  private final String saveReply;
  private final String purge;

  private SagaParticipant(Builder builder) {
    this.dataSource = builder.dataSource;
    this.writer = builder.writer;
    this.mapper = builder.mapper;
    this.actions = Map.copyOf(builder.actions);
    this.compensations = Map.copyOf(builder.compensations);
    String table = SqlIdentifier.of("saga schema", builder.schema).quoted() + ".saga_barrier";
    this.insert = "INSERT INTO " + table + " (saga_type, saga_id, step, phase, outcome) VALUES (?, ?, ?, ?, ?)"
        + " ON CONFLICT DO NOTHING";
    this.select = "SELECT outcome, reply FROM " + table
        + " WHERE saga_type = ? AND saga_id = ? AND step = ? AND phase = ?";
    this.saveReply = "UPDATE " + table + " SET reply = ?"
        + " WHERE saga_type = ? AND saga_id = ? AND step = ? AND phase = 'ACTION'";
    this.purge = "DELETE FROM " + table + " WHERE ctid IN (SELECT ctid FROM " + table
        + " WHERE created_at < now() - ? * interval '1 millisecond' LIMIT ?)";
  }

  /**
   * A builder for a participant whose barrier and outbox are in {@code dataSource} and that replies through
   * {@code writer}.
   */
  public static Builder builder(DataSource dataSource, OutboxWriter writer) {
    if (dataSource == null || writer == null) {
      throw new OutboxConfigurationException("SagaParticipant.builder needs the DataSource of the barrier table and"
          + " the OutboxWriter of the same database, got " + dataSource + " and " + writer);
    }
    return new Builder(dataSource, writer);
  }

  /** The handler for an {@link io.outboxkit.inbox.kafka.InboxKafkaRunner} on this participant's channel. */
  public InboxHandler commandHandler() {
    return this::handle;
  }

  /**
   * The batch form of {@link #commandHandler()}, for an {@link io.outboxkit.inbox.kafka.InboxKafkaRunner}
   * built with {@code batchHandler(..)}: the commands of one poll are handled in turn in one transaction, each
   * behind its own barrier row and savepoint exactly as alone, so one handler's failure rolls back only its
   * own work. A command that is refused as invalid fails the batch; the runner then takes the records one at
   * a time, so that one is dead-lettered alone. Under load this form needs far fewer commits.
   */
  public InboxBatchHandler commandBatchHandler() {
    return (messages, connection) -> {
      for (InboxMessage message : messages) {
        // a consumer span per command, as the runner makes per record outside batches: the reply joins the
        // command's trace, not the batch's
        try (RecordTracing.TraceSpan span = message.startSpan()) {
          handle(message, connection);
        }
      }
    };
  }

  /**
   * Handles one command record in the transaction in progress on {@code connection} (not in auto-commit
   * mode): barrier, handler, reply.
   */
  public void handle(InboxMessage message, Connection connection) throws SQLException {
    SagaMessages.Address address = SagaMessages.Address.of(message, "command");
    String sagaType = address.sagaType();
    String sagaId = address.sagaId();
    int step = address.step();
    String stepName = Objects.requireNonNullElse(message.header(SagaHeaders.STEP_NAME), "#" + step);
    SagaPhase phase = address.phase();
    String replyTo = SagaMessages.required(message, "command", SagaHeaders.REPLY_TO);
    int attempt = message.header(SagaHeaders.ATTEMPT) == null ? 1
        : SagaMessages.number(message, "command", SagaHeaders.ATTEMPT);
    String commandType = message.eventType();
    if (commandType == null) {
      throw new InvalidMessageException("command " + message + " has no eventType header: it names the command type");
    }
    Registration<?> registration = (phase == SagaPhase.ACTION ? actions : compensations).get(commandType);
    if (registration == null) {
      throw new InvalidMessageException("command " + message + " of type '" + commandType + "' (" + phase
          + ") has no handler at this participant; it handles actions " + actions.keySet() + " and compensations "
          + compensations.keySet());
    }
    Object command = read(message, registration.type());
    ParticipantContext context = new ParticipantContext(connection, sagaType, sagaId, step, stepName, phase,
        commandType, attempt);
    Replier replier = new Replier(connection, replyTo, sagaType, sagaId, step, phase);
    if (phase == SagaPhase.ACTION) {
      action(context, registration, command, replier);
    } else {
      compensation(context, registration, command, replier);
    }
  }

  private void action(ParticipantContext context, Registration<?> registration, Object command, Replier replier)
      throws SQLException {
    Connection connection = context.connection();
    Savepoint savepoint = connection.setSavepoint();
    if (!barrier(context, SagaPhase.ACTION, "APPLIED")) {
      connection.releaseSavepoint(savepoint);
      String[] earlier = earlier(context, SagaPhase.ACTION);
      if ("APPLIED".equals(earlier[0])) {
        replier.send("SUCCESS", null, "APPLIED", earlier[1]);
      } else {
        replier.send("FAILURE", COMPENSATED_BEFORE_ACTION, "NONE", null);
      }
      return;
    }
    Reply reply = run(registration, command, context, savepoint, replier);
    if (reply == null) {
      return;
    }
    String body = json(reply.data());
    if (body != null) {
      try (PreparedStatement statement = connection.prepareStatement(saveReply)) {
        statement.setString(1, body);
        statement.setString(2, context.sagaType());
        statement.setString(3, context.sagaId());
        statement.setInt(4, context.step());
        statement.executeUpdate();
      }
    }
    connection.releaseSavepoint(savepoint);
    replier.send("SUCCESS", null, "APPLIED", body);
  }

  private void compensation(ParticipantContext context, Registration<?> registration, Object command,
      Replier replier) throws SQLException {
    Connection connection = context.connection();
    if (barrier(context, SagaPhase.ACTION, "BLOCKED")) {
      // the action never ran: nothing to undo, and the mark refuses the action if it comes later
      barrier(context, SagaPhase.COMPENSATION, "NONE");
      replier.send("SUCCESS", null, "NONE", null);
      return;
    }
    Savepoint savepoint = connection.setSavepoint();
    if (!barrier(context, SagaPhase.COMPENSATION, "APPLIED")) {
      connection.releaseSavepoint(savepoint);
      String[] earlier = earlier(context, SagaPhase.COMPENSATION);
      replier.send("SUCCESS", null, "APPLIED".equals(earlier[0]) ? "APPLIED" : "NONE", null);
      return;
    }
    Reply reply = run(registration, command, context, savepoint, replier);
    if (reply == null) {
      return;
    }
    connection.releaseSavepoint(savepoint);
    replier.send("SUCCESS", null, "APPLIED", null);
  }

  /**
   * Runs the handler and returns its success; on a failure or an exception rolls back to the savepoint, replies
   * FAILURE or ERROR and returns null.
   */
  @SuppressWarnings("unchecked")
  private <C> @Nullable Reply run(Registration<C> registration, Object command, ParticipantContext context,
      Savepoint savepoint, Replier replier) throws SQLException {
    try {
      Reply reply = registration.handler().handle((C) command, context);
      if (reply == null) {
        throw new SagaException("the handler of " + context.commandType() + " returned null: return Reply.success()"
            + " or Reply.failure(reason)");
      }
      if (!reply.isSuccess()) {
        context.connection().rollback(savepoint);
        replier.send("FAILURE", reply.reason(), "NONE", null);
        return null;
      }
      return reply;
    } catch (SQLException e) {
      if (DatabaseFailures.isUnavailable(e)) {
        throw e;
      }
      context.connection().rollback(savepoint);
      replier.send("ERROR", SagaEngine.describe(e), "NONE", null);
      return null;
    } catch (ServerUnavailableException e) {
      throw e;
    } catch (RuntimeException e) {
      context.connection().rollback(savepoint);
      replier.send("ERROR", SagaEngine.describe(e), "NONE", null);
      return null;
    }
  }

  private boolean barrier(ParticipantContext context, SagaPhase phase, String outcome) throws SQLException {
    try (PreparedStatement statement = context.connection().prepareStatement(insert)) {
      statement.setString(1, context.sagaType());
      statement.setString(2, context.sagaId());
      statement.setInt(3, context.step());
      statement.setString(4, phase.name());
      statement.setString(5, outcome);
      return statement.executeUpdate() == 1;
    }
  }

  private String[] earlier(ParticipantContext context, SagaPhase phase) throws SQLException {
    try (PreparedStatement statement = context.connection().prepareStatement(select)) {
      statement.setString(1, context.sagaType());
      statement.setString(2, context.sagaId());
      statement.setInt(3, context.step());
      statement.setString(4, phase.name());
      try (ResultSet rows = statement.executeQuery()) {
        return rows.next() ? new String[] {rows.getString(1), rows.getString(2)} : new String[] {null, null};
      }
    }
  }

  private Object read(InboxMessage message, Class<?> type) {
    String body = message.valueAsString();
    try {
      return body == null ? null : mapper.readValue(body, type);
    } catch (JsonProcessingException e) {
      throw new InvalidMessageException("command " + message + " cannot be read as " + type.getName() + ": "
          + e.getOriginalMessage(), e);
    }
  }

  private @Nullable String json(@Nullable Object data) {
    if (data == null) {
      return null;
    }
    try {
      return mapper.writeValueAsString(data);
    } catch (JsonProcessingException e) {
      throw new SagaException("the reply data " + data.getClass().getName() + " cannot be written as JSON: "
          + e.getOriginalMessage(), e);
    }
  }

  /**
   * Deletes barrier rows older than {@code maxAge}, {@code batchSize} per transaction, until fewer remain. Keep
   * {@code maxAge} well beyond the longest a saga can run (its deadline, or its steps' timeouts times their
   * attempts, plus compensation): a command repeated after its row is gone would run again.
   *
   * @return how many rows were deleted
   */
  public long purge(Duration maxAge, int batchSize) {
    return Retention.purge(maxAge, batchSize, (maxAgeMillis, size) -> {
      try (Connection connection = dataSource.getConnection();
          PreparedStatement statement = connection.prepareStatement(purge)) {
        statement.setLong(1, maxAgeMillis);
        statement.setInt(2, size);
        return statement.executeUpdate();
      } catch (SQLException e) {
        if (DatabaseFailures.isUnavailable(e)) {
          throw new ServerUnavailableException("purging the saga barrier: the database is unavailable: "
              + e.getMessage(), e);
        }
        throw new SagaException("purging the saga barrier failed: " + e.getMessage(), e);
      }
    });
  }

  /** Writes the reply to one command through the outbox. */
  private final class Replier {

    private final Connection connection;
    private final String replyTo;
    private final String sagaType;
    private final String sagaId;
    private final int step;
    private final SagaPhase phase;

    Replier(Connection connection, String replyTo, String sagaType, String sagaId, int step, SagaPhase phase) {
      this.connection = connection;
      this.replyTo = replyTo;
      this.sagaType = sagaType;
      this.sagaId = sagaId;
      this.step = step;
      this.phase = phase;
    }

    void send(String outcome, @Nullable String reason, String effect, @Nullable String body) {
      Map<String, String> headers = new LinkedHashMap<>();
      headers.put(SagaHeaders.SAGA_TYPE, sagaType);
      headers.put(SagaHeaders.SAGA_ID, sagaId);
      headers.put(SagaHeaders.STEP, Integer.toString(step));
      headers.put(SagaHeaders.PHASE, phase.name());
      headers.put(SagaHeaders.OUTCOME, outcome);
      if (reason != null) {
        headers.put(SagaHeaders.REASON, reason);
      }
      headers.put(SagaHeaders.EFFECT, effect);
      writer.publish(connection, new OutboxEvent(replyTo, sagaId, SagaHeaders.REPLY_EVENT_TYPE, body, headers));
    }
  }

  /** Configures a {@link SagaParticipant}. Not thread-safe. */
  public static final class Builder {

    private final DataSource dataSource;
    private final OutboxWriter writer;
    private final Map<String, Registration<?>> actions = new LinkedHashMap<>();
    private final Map<String, Registration<?>> compensations = new LinkedHashMap<>();
    private String schema = TableName.DEFAULT_SCHEMA;
    private ObjectMapper mapper = new ObjectMapper().findAndRegisterModules();

    private Builder(DataSource dataSource, OutboxWriter writer) {
      this.dataSource = dataSource;
      this.writer = writer;
    }

    /** Handles the action command {@code commandType}, whose body is read as {@code type}. */
    public <C> Builder onAction(String commandType, Class<C> type, ParticipantHandler<C> handler) {
      register(actions, "action", commandType, type, handler);
      return this;
    }

    /** Handles the compensating command {@code commandType}, whose body is read as {@code type}. */
    public <C> Builder onCompensation(String commandType, Class<C> type, ParticipantHandler<C> handler) {
      register(compensations, "compensation", commandType, type, handler);
      return this;
    }

    /** The schema of the barrier table. Default {@code public}. */
    public Builder schema(String schema) {
      this.schema = SqlIdentifier.of("saga schema", schema).name();
      return this;
    }

    /** Reads commands and writes reply data. Default: a new ObjectMapper with the modules found. */
    public Builder objectMapper(ObjectMapper mapper) {
      this.mapper = Objects.requireNonNull(mapper, "objectMapper");
      return this;
    }

    private static <C> void register(Map<String, Registration<?>> into, String what, String commandType,
        Class<C> type, ParticipantHandler<C> handler) {
      if (commandType == null || commandType.isBlank()) {
        throw new OutboxConfigurationException("a saga participant's " + what + " needs a command type");
      }
      Objects.requireNonNull(type, () -> "the body type of " + commandType);
      Objects.requireNonNull(handler, () -> "the handler of " + commandType);
      if (into.putIfAbsent(commandType, new Registration<>(type, handler)) != null) {
        throw new OutboxConfigurationException("the saga participant has two " + what + " handlers for command type '"
            + commandType + "'");
      }
    }

    /**
     * Builds the participant; does not touch the database.
     *
     * @throws OutboxConfigurationException when no handler was registered
     */
    public SagaParticipant build() {
      if (actions.isEmpty() && compensations.isEmpty()) {
        throw new OutboxConfigurationException("the saga participant has no handlers: register them with"
            + " onAction(..) and onCompensation(..)");
      }
      return new SagaParticipant(this);
    }
  }
}
