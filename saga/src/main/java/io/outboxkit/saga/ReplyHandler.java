package io.outboxkit.saga;

/**
 * Takes a step's success reply into the saga's data, in the transaction that advances the saga.
 *
 * @param <D> the saga's data type
 * @param <R> the reply's body, read from JSON
 */
@FunctionalInterface
public interface ReplyHandler<D, R> {

  void onReply(D data, R reply);
}
