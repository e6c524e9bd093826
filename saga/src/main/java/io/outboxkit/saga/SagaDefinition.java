package io.outboxkit.saga;

import io.outboxkit.core.OutboxConfigurationException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * A saga type: a name, a data type (stored as JSON) and ordered steps. Built once and shared; immutable.
 *
 * <pre>{@code
 * SagaDefinition<OrderData> placeOrder = SagaDefinition.builder("place-order", OrderData.class)
 *     .step("reserve-stock")
 *         .invoke("inventory", "ReserveStock", d -> new ReserveStock(d.orderId, d.items))
 *         .compensate("ReleaseStock", d -> new ReleaseStock(d.orderId))
 *         .timeout(Duration.ofSeconds(10))
 *     .step("charge-payment")
 *         .invoke("payment", "ChargePayment", d -> new Charge(d.orderId, d.total))
 *         .onReply(Charged.class, (d, r) -> d.paymentId = r.paymentId())
 *         .pivot()
 *     .step("approve-order")
 *         .local((d, connection) -> approve(connection, d.orderId))
 *     .build();
 * }</pre>
 *
 * <p>A participant step sends a command (an outbox event of aggregate type = the participant's channel) and
 * waits for its reply; it may name a compensating command. A local step runs in the orchestrator's own
 * transaction. A step marked {@link StepBuilder#pivot()} is the point of no return: once it succeeded, the
 * steps after it are retried until they succeed and the saga is never compensated.
 *
 * @param <D> the saga's data type: a class Jackson can write and read
 */
public final class SagaDefinition<D> {

  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_.\\-]{1,255}");

  /** The default step timeout: 30 s. */
  public static final Duration DEFAULT_STEP_TIMEOUT = Duration.ofSeconds(30);

  private final String name;
  private final Class<D> dataType;
  private final List<Step<D>> steps;
  private final @Nullable Duration timeout;

  private SagaDefinition(Builder<D> builder) {
    this.name = builder.name;
    this.dataType = builder.dataType;
    List<Step<D>> built = new ArrayList<>();
    for (StepBuilder<D> step : builder.steps) {
      built.add(new Step<>(built.size(), step));
    }
    this.steps = Collections.unmodifiableList(built);
    this.timeout = builder.timeout;
  }

  /** Starts a definition named {@code name} (letters, digits, {@code _ . -}) whose data is a {@code dataType}. */
  public static <D> Builder<D> builder(String name, Class<D> dataType) {
    requireName("saga name", name);
    if (dataType == null) {
      throw new OutboxConfigurationException("saga '" + name + "' needs a data type, got null");
    }
    return new Builder<>(name, dataType);
  }

  /** The saga type's name. */
  public String name() {
    return name;
  }

  /** The data type. */
  public Class<D> dataType() {
    return dataType;
  }

  /** The step names, in order. */
  public List<String> stepNames() {
    return steps.stream().map(step -> step.name).toList();
  }

  /** The bound of the whole saga before its pivot, or null for none. */
  public @Nullable Duration timeout() {
    return timeout;
  }

  List<Step<D>> steps() {
    return steps;
  }

  Step<D> step(int index) {
    return steps.get(index);
  }

  /** The participant channels this saga sends commands to. */
  public Set<String> participants() {
    Set<String> channels = new LinkedHashSet<>();
    for (Step<D> step : steps) {
      if (step.participant != null) {
        channels.add(step.participant);
      }
    }
    return channels;
  }

  @Override
  public String toString() {
    return "saga " + name + " " + steps;
  }

  private static String requireName(String what, @Nullable String value) {
    if (value == null || !NAME.matcher(value).matches()) {
      throw new OutboxConfigurationException(what + " is '" + value + "': use 1 to 255 letters, digits, '_', '.'"
          + " or '-'");
    }
    return value;
  }

  /** Builds a {@link SagaDefinition}; checks every value when it is set and the whole at {@link #build()}. */
  public static final class Builder<D> {

    private final String name;
    private final Class<D> dataType;
    private final List<StepBuilder<D>> steps = new ArrayList<>();
    private @Nullable Duration timeout;

    private Builder(String name, Class<D> dataType) {
      this.name = name;
      this.dataType = dataType;
    }

    /**
     * Bounds the whole saga: when it has not passed its pivot (or completed) this long after its start, the
     * step in progress is abandoned and the saga compensates. Default none.
     */
    public Builder<D> timeout(Duration timeout) {
      if (timeout == null || timeout.isNegative() || timeout.isZero()) {
        throw new OutboxConfigurationException("saga '" + name + "' timeout is " + timeout
            + ": give a positive duration, or leave it unset for none");
      }
      this.timeout = timeout;
      return this;
    }

    /** Adds a step; configure it on the returned builder. */
    public StepBuilder<D> step(String stepName) {
      requireName("saga '" + name + "' step name", stepName);
      StepBuilder<D> step = new StepBuilder<>(this, stepName);
      steps.add(step);
      return step;
    }

    /**
     * Builds the definition.
     *
     * @throws OutboxConfigurationException naming the saga and the step, when there is no step, two steps
     *     have the same name, a step neither invokes a participant nor runs locally, or a step after the pivot
     *     has a compensation (which could never run)
     */
    public SagaDefinition<D> build() {
      if (steps.isEmpty()) {
        throw new OutboxConfigurationException("saga '" + name + "' has no steps: add at least one with step(name)");
      }
      Set<String> names = new HashSet<>();
      String pivot = null;
      for (StepBuilder<D> step : steps) {
        if (!names.add(step.name)) {
          throw new OutboxConfigurationException("saga '" + name + "' has two steps named '" + step.name
              + "': give each step its own name");
        }
        if (step.command == null && step.local == null) {
          throw new OutboxConfigurationException("saga '" + name + "' step '" + step.name
              + "' does nothing: call invoke(participant, commandType, command) or local(action)");
        }
        if (pivot != null && step.hasCompensation()) {
          throw new OutboxConfigurationException("saga '" + name + "' step '" + step.name
              + "' comes after the pivot step '" + pivot + "' but has a compensation, which could never run:"
              + " remove it, or move the pivot");
        }
        if (step.pivot && pivot == null) {
          pivot = step.name;
        }
      }
      return new SagaDefinition<>(this);
    }
  }

  /** Configures one step; {@link #step(String)} and {@link #build()} go on with the saga. */
  public static final class StepBuilder<D> {

    private final Builder<D> saga;
    final String name;
    @Nullable String participant;
    @Nullable String commandType;
    @Nullable Function<D, ?> command;
    @Nullable String compensationType;
    @Nullable Function<D, ?> compensation;
    @Nullable LocalAction<D> local;
    @Nullable LocalAction<D> localCompensation;
    @Nullable Class<?> replyType;
    @Nullable ReplyHandler<D, ?> replyHandler;
    Duration timeout = DEFAULT_STEP_TIMEOUT;
    RetryPolicy retry = RetryPolicy.STEP_DEFAULT;
    RetryPolicy compensationRetry = RetryPolicy.COMPENSATION_DEFAULT;
    final Set<String> transientFailures = new LinkedHashSet<>();
    boolean pivot;

    private StepBuilder(Builder<D> saga, String name) {
      this.saga = saga;
      this.name = name;
    }

    private String where() {
      return "saga '" + saga.name + "' step '" + name + "'";
    }

    /**
     * The step sends {@code command(data)} as a command of type {@code commandType} to the participant
     * listening on {@code participant} (the outbox aggregate type, so the topic is the relay's prefix +
     * {@code participant}).
     */
    public StepBuilder<D> invoke(String participant, String commandType, Function<D, ?> command) {
      if (local != null) {
        throw new OutboxConfigurationException(where() + " already runs locally: a step either invokes a"
            + " participant or runs locally");
      }
      this.participant = requireName(where() + " participant", participant);
      this.commandType = requireName(where() + " command type", commandType);
      this.command = Objects.requireNonNull(command, () -> where() + " command must not be null");
      return this;
    }

    /** The compensating command of a participant step, sent to the same participant. */
    public StepBuilder<D> compensate(String commandType, Function<D, ?> command) {
      if (this.command == null) {
        throw new OutboxConfigurationException(where() + ": call invoke(..) before compensate(..), or use"
            + " localCompensation(..) for a local step");
      }
      this.compensationType = requireName(where() + " compensation command type", commandType);
      this.compensation = Objects.requireNonNull(command, () -> where() + " compensation must not be null");
      return this;
    }

    /** The step runs {@code action} in the orchestrator's transaction instead of invoking a participant. */
    public StepBuilder<D> local(LocalAction<D> action) {
      if (command != null) {
        throw new OutboxConfigurationException(where() + " already invokes a participant: a step either invokes"
            + " a participant or runs locally");
      }
      this.local = Objects.requireNonNull(action, () -> where() + " local action must not be null");
      return this;
    }

    /** Undoes a local step, in the orchestrator's transaction. */
    public StepBuilder<D> localCompensation(LocalAction<D> action) {
      if (local == null) {
        throw new OutboxConfigurationException(where() + ": call local(..) before localCompensation(..), or use"
            + " compensate(..) for a participant step");
      }
      this.localCompensation = Objects.requireNonNull(action, () -> where() + " compensation must not be null");
      return this;
    }

    /** Reads a success reply's body as {@code type} and hands it to {@code handler} to update the data. */
    public <R> StepBuilder<D> onReply(Class<R> type, ReplyHandler<D, R> handler) {
      this.replyType = Objects.requireNonNull(type, () -> where() + " reply type must not be null");
      this.replyHandler = Objects.requireNonNull(handler, () -> where() + " reply handler must not be null");
      return this;
    }

    /**
     * How long to wait for a reply to each send (action and compensation). Default 30 s. When it passes, the
     * command is sent again with the same step and phase (the barrier absorbs repeats), within the retry
     * policy's attempts; then the action counts as failed, or the compensation as not done.
     */
    public StepBuilder<D> timeout(Duration timeout) {
      if (timeout == null || timeout.isNegative() || timeout.isZero()) {
        throw new OutboxConfigurationException(where() + " timeout is " + timeout + ": give a positive duration");
      }
      this.timeout = timeout;
      return this;
    }

    /** Sends and backoff of the action. Default {@link RetryPolicy#STEP_DEFAULT}. */
    public StepBuilder<D> retry(RetryPolicy policy) {
      this.retry = Objects.requireNonNull(policy, () -> where() + " retry policy must not be null");
      return this;
    }

    /** Sends and backoff of the compensation. Default {@link RetryPolicy#COMPENSATION_DEFAULT}. */
    public StepBuilder<D> compensationRetry(RetryPolicy policy) {
      this.compensationRetry = Objects.requireNonNull(policy, () -> where() + " compensation retry must not be null");
      return this;
    }

    /**
     * Failure reasons that are transient: the action is sent again with backoff instead of compensating.
     * ERROR replies (the participant's handler threw) are always transient; other FAILURE reasons are
     * business failures.
     */
    public StepBuilder<D> transientFailures(String... reasons) {
      for (String reason : reasons) {
        if (reason == null || reason.isBlank()) {
          throw new OutboxConfigurationException(where() + " transient failure reasons must not be blank");
        }
        transientFailures.add(reason);
      }
      return this;
    }

    /** Makes this step the point of no return: after it succeeded, the saga only goes forward. */
    public StepBuilder<D> pivot() {
      this.pivot = true;
      return this;
    }

    /** Ends this step and adds the next. */
    public StepBuilder<D> step(String stepName) {
      return saga.step(stepName);
    }

    /** Ends this step and builds the saga. */
    public SagaDefinition<D> build() {
      return saga.build();
    }

    boolean hasCompensation() {
      return compensation != null || localCompensation != null;
    }
  }
}
