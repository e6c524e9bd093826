package io.outboxkit.relay;

import io.outboxkit.core.InvalidEventException;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.InvalidTopicException;
import org.apache.kafka.common.errors.RecordBatchTooLargeException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.RetriableException;
import org.jspecify.annotations.Nullable;

/**
 * What a failed send calls for, decided by the exception's type alone, never by its message: a record the
 * broker refuses for good goes to the dead-letter topic; any other failure is sent again, by a new producer
 * unless Kafka marks it retriable. Also the words for a failure in logs and in the relay's status.
 */
final class SendFailures {

  /** What the publisher does with a record whose send failed. */
  enum Handling {

    /**
     * Refused for good ({@link RecordTooLargeException}, {@link RecordBatchTooLargeException}, {@link
     * InvalidTopicException}): it would be refused again, so it goes to the dead-letter topic.
     */
    DEAD_LETTER,

    /** A {@link RetriableException}: sent again by the same producer. */
    RETRY,

    /** Any other failure (a refused login or grant, a producer in error): sent again by a new producer. */
    RETRY_WITH_NEW_PRODUCER
  }

  private SendFailures() {
  }

  static Handling handling(Throwable failure) {
    if (failure instanceof RecordTooLargeException || failure instanceof RecordBatchTooLargeException
        || failure instanceof InvalidTopicException) {
      return Handling.DEAD_LETTER;
    }
    return needsNewProducer(failure) ? Handling.RETRY_WITH_NEW_PRODUCER : Handling.RETRY;
  }

  /** True unless Kafka says a retry with the same producer may succeed. */
  static boolean needsNewProducer(Throwable failure) {
    return !(failure instanceof RetriableException);
  }

  /** The record was refused for its size: a dead letter leaves the value out, or it would be refused again. */
  static boolean refusedForSize(Throwable failure) {
    return failure instanceof RecordTooLargeException || failure instanceof RecordBatchTooLargeException;
  }

  /** The failure of a record held back because an earlier record of its batch was not even handed over. */
  static RetriableException heldBack(Throwable earlier) {
    return new NotSentException(earlier);
  }

  /** True for a failure made by {@link #heldBack}: it says nothing of its own about the broker. */
  static boolean isHeldBack(@Nullable Throwable failure) {
    return failure instanceof NotSentException;
  }

  /** The failure for a log line or the relay's status: exception class and message. */
  static String describe(@Nullable Throwable failure) {
    if (failure == null) {
      return "unknown failure";
    }
    if (failure instanceof InvalidEventException invalid) {
      return invalid.getMessage();
    }
    return failure.getClass().getSimpleName() + ": " + failure.getMessage();
  }

  /** What to change, for failures that a setting or a grant on the broker's side ends; empty otherwise. */
  static String advice(@Nullable Throwable failure) {
    if (failure instanceof AuthenticationException) {
      return " (the broker refused the relay's login: check the producer properties security.protocol, "
          + "sasl.mechanism and sasl.jaas.config, or ssl.*)";
    }
    if (failure instanceof AuthorizationException) {
      return " (the relay's user may not do this: grant it WRITE and DESCRIBE on the topics it publishes to, "
          + "the dead-letter topic included, and IDEMPOTENT_WRITE on the cluster for brokers older than 2.8)";
    }
    return "";
  }

  /** A record held back because an earlier record of its batch could not be handed to the producer. */
  private static final class NotSentException extends RetriableException {
    private static final long serialVersionUID = 1L;

    NotSentException(Throwable earlier) {
      super("not sent: an earlier record of the batch was refused (" + describe(earlier) + ")");
    }
  }
}
