package io.outboxkit.saga;

/**
 * The Kafka headers of saga commands and replies (besides the outbox's {@code id} and {@code eventType}).
 * Commands are events of aggregate type = the participant's channel, aggregate id = the saga id (so the
 * commands of one saga keep their order), event type = the command type. Replies are events of aggregate type
 * = the {@link #REPLY_TO} channel, aggregate id = the saga id, event type {@value #REPLY_EVENT_TYPE}.
 */
public final class SagaHeaders {

  /** The saga type (definition name). Commands and replies. */
  public static final String SAGA_TYPE = "saga-type";
  /** The saga id. Commands and replies. */
  public static final String SAGA_ID = "saga-id";
  /** The step's index in the definition, from 0. Commands and replies. */
  public static final String STEP = "saga-step";
  /** The step's name. Commands. */
  public static final String STEP_NAME = "saga-step-name";
  /** {@code ACTION} or {@code COMPENSATION}. Commands and replies. */
  public static final String PHASE = "saga-phase";
  /** Which send of the command this is, from 1; a resend carries the same step and phase. Commands. */
  public static final String ATTEMPT = "saga-attempt";
  /** The channel (aggregate type) the participant replies to. Commands. */
  public static final String REPLY_TO = "saga-reply-to";
  /** {@code SUCCESS}, {@code FAILURE} (business refusal) or {@code ERROR} (the handler threw). Replies. */
  public static final String OUTCOME = "saga-outcome";
  /** The reason of a FAILURE or ERROR. Replies. */
  public static final String REASON = "saga-reason";
  /**
   * {@code APPLIED} when the operation changed the participant's data (now or, for a repeated command,
   * before), {@code NONE} when it did not: a null compensation, or an action refused because its
   * compensation came first. Replies.
   */
  public static final String EFFECT = "saga-effect";
  /** The event type of every reply. */
  public static final String REPLY_EVENT_TYPE = "SagaReply";

  private SagaHeaders() {
  }
}
