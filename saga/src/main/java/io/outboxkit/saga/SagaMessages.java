package io.outboxkit.saga;

import io.outboxkit.inbox.InvalidMessageException;
import io.outboxkit.inbox.kafka.InboxMessage;

/** Reads the saga headers of commands and replies; a missing or bad one refuses the record as invalid. */
final class SagaMessages {

  private SagaMessages() {
  }

  /** Which saga, step and phase a command or reply is about: the headers every saga message carries. */
  record Address(String sagaType, String sagaId, int step, SagaPhase phase) {

    /** Reads the address of {@code message}; {@code kind} ("command" or "reply") names the record in errors. */
    static Address of(InboxMessage message, String kind) {
      return new Address(required(message, kind, SagaHeaders.SAGA_TYPE), required(message, kind, SagaHeaders.SAGA_ID),
          number(message, kind, SagaHeaders.STEP), SagaMessages.phase(message));
    }
  }

  /** The header's value; {@code kind} ("command" or "reply") names the record in the error. */
  static String required(InboxMessage message, String kind, String header) {
    String value = message.header(header);
    if (value == null || value.isBlank()) {
      throw new InvalidMessageException(kind + " " + message + " has no " + header + " header: it is not a saga "
          + kind);
    }
    return value;
  }

  static int number(InboxMessage message, String kind, String header) {
    String value = required(message, kind, header);
    try {
      return Integer.parseInt(value);
    } catch (NumberFormatException e) {
      throw new InvalidMessageException(kind + " " + message + " has " + header + " '" + value + "': not a number");
    }
  }

  static SagaPhase phase(InboxMessage message) {
    String value = required(message, "message", SagaHeaders.PHASE);
    try {
      return SagaPhase.valueOf(value);
    } catch (IllegalArgumentException e) {
      throw new InvalidMessageException("message " + message + " has " + SagaHeaders.PHASE + " '" + value
          + "': expected ACTION or COMPENSATION");
    }
  }
}
