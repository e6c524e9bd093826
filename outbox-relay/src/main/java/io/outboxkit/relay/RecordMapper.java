package io.outboxkit.relay;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.outboxkit.core.InvalidEventException;
import io.outboxkit.core.OutboxHeaders;
import io.outboxkit.core.TableName;
import io.outboxkit.core.TracingSpanContext;
import io.outboxkit.core.WalMessageEnvelope;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.source.SourceRecord;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns Debezium's change events into the Kafka records of OutboxKit's contract: topic {@code <prefix>
 * <aggregatetype>}, key the aggregate id, value the payload's JSON text, headers {@code id}, {@code
 * eventType}, {@code traceparent}/{@code tracestate} and the writer's extra headers, all UTF-8.
 *
 * <p>Per record it does field look-ups by index (resolved once per schema), reads the small {@code headers}
 * object and copies strings to bytes; the payload is never parsed. Used by the engine's single consumer
 * thread only.
 */
final class RecordMapper {

  private static final Logger log = LoggerFactory.getLogger(RecordMapper.class);
  private static final JsonFactory JSON = new JsonFactory();
  private static final Set<String> RESERVED_HEADERS =
      Set.of(OutboxHeaders.ID, OutboxHeaders.EVENT_TYPE, OutboxHeaders.TRACEPARENT, OutboxHeaders.TRACESTATE);

  /** What became of one change event. */
  sealed interface Outcome permits Event, Ignored, Invalid, Heartbeat {
  }

  /** An outbox event to publish. */
  record Event(ProducerRecord<byte[], byte[]> record, String eventId, long commitMillis) implements Outcome {
  }

  /** Not an event: a heartbeat, an update or delete, another prefix's message. */
  record Ignored() implements Outcome {
  }

  /** Meant to be an event but unreadable: goes to the dead-letter topic with the reason. */
  record Invalid(String reason, @Nullable String eventId, byte @Nullable [] key, byte @Nullable [] content)
      implements Outcome {
  }

  /** One of this relay's heartbeat rows, back through the stream at WAL position {@code lsn} (-1 if unknown). */
  record Heartbeat(long id, long lsn) implements Outcome {
  }

  static final Ignored IGNORED = new Ignored();

  private final String topicPrefix;
  private final @Nullable String tableTopic;
  private final String messageTopic;
  private final String heartbeatTopic;
  private final String slotName;
  private final @Nullable String walMessagePrefix;
  private final @Nullable TableName outboxTable;
  private final Map<String, String> topics = new HashMap<>();
  private final AtomicBoolean updateWarned = new AtomicBoolean();
  private final AtomicBoolean deleteWarned = new AtomicBoolean();
  private final AtomicBoolean reservedHeaderWarned = new AtomicBoolean();

  private @Nullable Schema envelopeSchema;
  private @Nullable Field opField;
  private @Nullable Field afterField;
  private @Nullable Field sourceField;
  private @Nullable Field messageField;
  private @Nullable Schema rowSchema;
  private @Nullable Field idField;
  private @Nullable Field aggregateTypeField;
  private @Nullable Field aggregateIdField;
  private @Nullable Field typeField;
  private @Nullable Field payloadField;
  private @Nullable Field tracingField;
  private @Nullable Field headersField;

  RecordMapper(RelaySettings settings) {
    this.topicPrefix = settings.topicPrefix();
    this.outboxTable = settings.outboxTable();
    this.tableTopic = outboxTable == null ? null
        : settings.debeziumTopicPrefix() + "." + outboxTable.schema().name() + "." + outboxTable.table().name();
    this.messageTopic = settings.debeziumTopicPrefix() + ".message";
    this.heartbeatTopic = settings.debeziumTopicPrefix() + "." + settings.heartbeatTable().schema().name() + "."
        + settings.heartbeatTable().table().name();
    this.slotName = settings.replicationSlot();
    this.walMessagePrefix = settings.walMessagePrefix();
  }

  Outcome map(SourceRecord record) {
    String topic = record.topic();
    if (!(record.value() instanceof Struct value)) {
      return IGNORED; // tombstones and heartbeat records without a struct
    }
    if (topic.equals(tableTopic)) {
      return mapRow(value);
    }
    if (walMessagePrefix != null && topic.equals(messageTopic)) {
      return mapMessage(record, value);
    }
    if (topic.equals(heartbeatTopic)) {
      return heartbeat(record, value);
    }
    return IGNORED; // Debezium's heartbeat records
  }

  private Outcome heartbeat(SourceRecord record, Struct value) {
    resolveEnvelope(value.schema());
    Object after = afterField == null ? null : value.get(afterField);
    if (!(after instanceof Struct row) || !slotName.equals(row.get("slot_name"))) {
      return IGNORED; // another slot's heartbeat, or a delete
    }
    Object id = row.get("id");
    Object lsn = record.sourceOffset() == null ? null : record.sourceOffset().get("lsn");
    return id instanceof Long beat ? new Heartbeat(beat, lsn instanceof Long position ? position : -1) : IGNORED;
  }

  private void resolveEnvelope(Schema schema) {
    if (schema != envelopeSchema) {
      opField = schema.field("op");
      afterField = schema.field("after");
      sourceField = schema.field("source");
      messageField = schema.field("message");
      envelopeSchema = schema;
    }
  }

  private void resolveRow(Schema schema) {
    if (schema != rowSchema) {
      idField = schema.field("id");
      aggregateTypeField = schema.field("aggregatetype");
      aggregateIdField = schema.field("aggregateid");
      typeField = schema.field("type");
      payloadField = schema.field("payload");
      tracingField = schema.field("tracingspancontext");
      headersField = schema.field("headers");
      rowSchema = schema;
    }
  }

  private Outcome mapRow(Struct value) {
    resolveEnvelope(value.schema());
    String op = opField == null ? null : (String) value.get(opField);
    if ("c".equals(op) || "r".equals(op)) {
      Struct after = (Struct) value.get(afterField);
      return rowEvent(after, commitMillis(value));
    }
    if ("u".equals(op)) {
      if (updateWarned.compareAndSet(false, true)) {
        log.warn("an UPDATE of a row of outbox table {} was ignored: the relay publishes inserted rows only; "
            + "outbox rows are not meant to change after insert (further updates are ignored without a log line)",
            outboxTable);
      }
    } else if ("d".equals(op)) {
      if (deleteWarned.compareAndSet(false, true)) {
        log.warn("a DELETE of a row of outbox table {} was ignored: deleting published rows (the writer's "
            + "delete-after-insert mode, or a clean-up job) is fine, the relay only publishes inserts (further "
            + "deletes are ignored without a log line)", outboxTable);
      }
    }
    return IGNORED;
  }

  private Outcome rowEvent(Struct row, long commitMillis) {
    resolveRow(row.schema());
    return rowEvent((String) row.get(idField), (String) row.get(aggregateTypeField),
        (String) row.get(aggregateIdField), (String) row.get(typeField),
        payloadField == null ? null : (String) row.get(payloadField),
        tracingField == null ? null : (String) row.get(tracingField),
        headersField == null ? null : (String) row.get(headersField), commitMillis);
  }

  /**
   * An outbox row's columns as text (jsonb columns as PostgreSQL renders them) to the event it stands for,
   * whether it came through the stream or was read from the table by a recovery.
   */
  Outcome rowEvent(@Nullable String id, @Nullable String aggregateType, @Nullable String aggregateId,
      @Nullable String eventType, @Nullable String payload, @Nullable String tracing, @Nullable String headersJson,
      long commitMillis) {
    if (id == null || aggregateType == null || aggregateId == null || eventType == null) {
      return new Invalid("outbox row lacks id, aggregatetype, aggregateid or type", id,
          aggregateId == null ? null : utf8(aggregateId), null);
    }

    RecordHeaders headers = new RecordHeaders();
    headers.add(OutboxHeaders.ID, utf8(id));
    headers.add(OutboxHeaders.EVENT_TYPE, utf8(eventType));
    addTraceHeaders(headers, tracing, id);
    if (headersJson != null) {
      addJsonHeaders(headers, headersJson, id);
    }
    ProducerRecord<byte[], byte[]> record = new ProducerRecord<>(
        topic(aggregateType), null, utf8(aggregateId), payload == null ? null : utf8(payload), headers);
    return new Event(record, id, commitMillis);
  }

  private Outcome mapMessage(SourceRecord source, Struct value) {
    resolveEnvelope(value.schema());
    if (messageField == null) {
      return IGNORED;
    }
    Struct message = (Struct) value.get(messageField);
    if (message == null || !walMessagePrefix.equals(message.getString("prefix"))) {
      return IGNORED;
    }
    byte[] content = bytes(message.get("content"));
    WalMessageEnvelope.Utf8 envelope;
    try {
      envelope = WalMessageEnvelope.fromUtf8(content);
    } catch (InvalidEventException e) {
      return new Invalid(e.getMessage(), null, null, content);
    }
    String id = envelope.id().toString();
    RecordHeaders headers = new RecordHeaders();
    headers.add(OutboxHeaders.ID, utf8(id));
    headers.add(OutboxHeaders.EVENT_TYPE, utf8(envelope.eventType()));
    addTraceHeaders(headers, envelope.tracingSpanContext(), id);
    for (Map.Entry<String, String> header : envelope.headers().entrySet()) {
      addExtraHeader(headers, header.getKey(), header.getValue(), id);
    }
    ProducerRecord<byte[], byte[]> record = new ProducerRecord<>(topic(envelope.aggregateType()), null,
        utf8(envelope.aggregateId()), envelope.payload(), headers);
    return new Event(record, id, commitMillis(value));
  }

  private long commitMillis(Struct value) {
    if (sourceField == null) {
      return -1;
    }
    Struct source = (Struct) value.get(sourceField);
    Object ts = source == null ? null : source.get("ts_ms");
    return ts instanceof Long millis ? millis : -1;
  }

  private void addTraceHeaders(RecordHeaders headers, @Nullable String tracing, String eventId) {
    if (tracing == null || tracing.isEmpty()) {
      return;
    }
    try {
      for (Map.Entry<String, String> entry : TracingSpanContext.parse(tracing).entrySet()) {
        headers.add(entry.getKey(), utf8(entry.getValue()));
      }
    } catch (InvalidEventException e) {
      log.warn("event {}: tracingspancontext ignored, it cannot be read: {}", eventId, e.getMessage());
    }
  }

  /** Adds each member of the headers object; strings as they are, other JSON values as their JSON text, null left out. */
  private void addJsonHeaders(RecordHeaders headers, String json, String eventId) {
    try (JsonParser parser = JSON.createParser(json)) {
      JsonToken start = parser.nextToken();
      if (start == JsonToken.VALUE_NULL) {
        return;
      }
      if (start != JsonToken.START_OBJECT) {
        log.warn("event {}: headers column ignored, it is a JSON {} and not an object", eventId, start);
        return;
      }
      for (JsonToken token = parser.nextToken(); token == JsonToken.FIELD_NAME; token = parser.nextToken()) {
        String name = parser.currentName();
        JsonToken valueToken = parser.nextToken();
        String value;
        if (valueToken == JsonToken.VALUE_STRING) {
          value = parser.getText();
        } else if (valueToken == JsonToken.VALUE_NULL) {
          continue;
        } else if (valueToken.isStructStart()) {
          int begin = (int) parser.currentTokenLocation().getCharOffset();
          parser.skipChildren();
          value = json.substring(begin, (int) parser.currentLocation().getCharOffset());
        } else {
          value = parser.getText();
        }
        addExtraHeader(headers, name, value, eventId);
      }
    } catch (IOException e) {
      log.warn("event {}: headers column ignored, it cannot be read: {}", eventId, e.getMessage());
    }
  }

  private void addExtraHeader(RecordHeaders headers, String name, String value, String eventId) {
    if (RESERVED_HEADERS.contains(name)) {
      if (reservedHeaderWarned.compareAndSet(false, true)) {
        log.warn("event {}: extra header '{}' ignored, the relay sets that header itself (logged once)", eventId,
            name);
      }
      return;
    }
    headers.add(name, utf8(value));
  }

  private String topic(String aggregateType) {
    String topic = topics.get(aggregateType);
    if (topic == null) {
      topic = topicPrefix + aggregateType;
      if (topics.size() < 10_000) {
        topics.put(aggregateType, topic);
      }
    }
    return topic;
  }

  private static byte[] bytes(Object content) {
    if (content instanceof byte[] array) {
      return array;
    }
    if (content instanceof ByteBuffer buffer) {
      if (buffer.hasArray() && buffer.arrayOffset() == 0 && buffer.position() == 0
          && buffer.remaining() == buffer.array().length) {
        return buffer.array(); // Debezium wraps the message's own array: read it where it is, it is only read
      }
      ByteBuffer copy = buffer.duplicate();
      byte[] array = new byte[copy.remaining()];
      copy.get(array);
      return array;
    }
    return content == null ? new byte[0] : content.toString().getBytes(StandardCharsets.UTF_8);
  }

  private static byte[] utf8(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }
}
