package io.outboxkit.inbox.kafka;

import io.outboxkit.core.OutboxHeaders;
import io.outboxkit.inbox.InboxOutcome;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.jspecify.annotations.Nullable;

/**
 * A Kafka record as the inbox hands it to a handler, with the dedup key that was taken from it.
 *
 * <p>Immutable apart from the record's byte arrays, which are shared, not copied: do not modify them.
 * Thread-safe to read.
 */
public final class InboxMessage {

  private final ConsumerRecord<byte[], byte[]> record;
  private final String messageId;
  private final RecordTracing batchTracing;

  InboxMessage(ConsumerRecord<byte[], byte[]> record, String messageId) {
    this(record, messageId, RecordTracing.NONE);
  }

  InboxMessage(ConsumerRecord<byte[], byte[]> record, String messageId, RecordTracing batchTracing) {
    this.record = record;
    this.messageId = messageId;
    this.batchTracing = batchTracing;
  }

  /**
   * For an {@link InboxBatchHandler}: opens a consumer span for this message alone, parented by its trace
   * context and made current on this thread until closed, with the runner's tracing settings; events written
   * meanwhile join the message's trace rather than the batch's. Close it on the same thread. Outside a batch
   * (an {@link InboxHandler}, or a batch handler called with one record after a failed batch) the runner's
   * own span for the record is current already, and the span returned does nothing; likewise when tracing is
   * off or the record carries no trace context. The span records the outcome {@code processed}: a batch
   * handler is given only messages new to the inbox.
   */
  public RecordTracing.TraceSpan startSpan() {
    RecordTracing.TraceSpan span = batchTracing.startRecord(record);
    span.outcome(InboxOutcome.PROCESSED);
    return span;
  }

  /** The dedup key recorded in the inbox (by default the {@code id} header). */
  public String messageId() {
    return messageId;
  }

  /** The event id: the {@code id} header the relay writes, or null when the record has none. */
  public @Nullable String eventId() {
    return header(OutboxHeaders.ID);
  }

  /** The {@code eventType} header, or null when the record has none. */
  public @Nullable String eventType() {
    return header(OutboxHeaders.EVENT_TYPE);
  }

  /** The record's key as UTF-8 text (the aggregate id, for records of the relay), or null. */
  public @Nullable String key() {
    byte[] key = record.key();
    return key == null ? null : new String(key, StandardCharsets.UTF_8);
  }

  /** The record's value: the event's JSON document as UTF-8 bytes, or null for a tombstone. */
  public byte @Nullable [] value() {
    return record.value();
  }

  /** The record's value as UTF-8 text, or null for a tombstone. */
  public @Nullable String valueAsString() {
    byte[] value = record.value();
    return value == null ? null : new String(value, StandardCharsets.UTF_8);
  }

  /** The last header with this name, as UTF-8 text, or null when there is none. */
  public @Nullable String header(String name) {
    Header header = record.headers().lastHeader(name);
    return header == null || header.value() == null ? null : new String(header.value(), StandardCharsets.UTF_8);
  }

  public String topic() {
    return record.topic();
  }

  public int partition() {
    return record.partition();
  }

  public long offset() {
    return record.offset();
  }

  /** The record's timestamp. */
  public Instant timestamp() {
    return Instant.ofEpochMilli(record.timestamp());
  }

  /** The record as the Kafka consumer returned it. */
  public ConsumerRecord<byte[], byte[]> record() {
    return record;
  }

  @Override
  public String toString() {
    return record.topic() + "-" + record.partition() + "@" + record.offset() + " (message id " + messageId + ")";
  }
}
