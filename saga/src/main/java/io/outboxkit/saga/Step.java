package io.outboxkit.saga;

import java.time.Duration;
import java.util.Set;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/** One step of a {@link SagaDefinition}, as its builder made it. Immutable. */
final class Step<D> {

  final int index;
  final String name;
  final @Nullable String participant;
  final @Nullable String commandType;
  final @Nullable Function<D, ?> command;
  final @Nullable String compensationType;
  final @Nullable Function<D, ?> compensation;
  final @Nullable LocalAction<D> local;
  final @Nullable LocalAction<D> localCompensation;
  final @Nullable Class<?> replyType;
  final @Nullable ReplyHandler<D, Object> replyHandler;
  final Duration timeout;
  final RetryPolicy retry;
  final RetryPolicy compensationRetry;
  final Set<String> transientFailures;
  final boolean pivot;

  @SuppressWarnings("unchecked")
  Step(int index, SagaDefinition.StepBuilder<D> b) {
    this.index = index;
    this.name = b.name;
    this.participant = b.participant;
    this.commandType = b.commandType;
    this.command = b.command;
    this.compensationType = b.compensationType;
    this.compensation = b.compensation;
    this.local = b.local;
    this.localCompensation = b.localCompensation;
    this.replyType = b.replyType;
    this.replyHandler = (ReplyHandler<D, Object>) b.replyHandler;
    this.timeout = b.timeout;
    this.retry = b.retry;
    this.compensationRetry = b.compensationRetry;
    this.transientFailures = Set.copyOf(b.transientFailures);
    this.pivot = b.pivot;
  }

  boolean isLocal() {
    return local != null;
  }

  boolean hasCompensation() {
    return compensation != null || localCompensation != null;
  }

  @Override
  public String toString() {
    return name + (isLocal() ? " (local)" : " (" + participant + ":" + commandType + ")");
  }
}
