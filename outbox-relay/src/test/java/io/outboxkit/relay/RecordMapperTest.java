package io.outboxkit.relay;

import static org.assertj.core.api.Assertions.assertThat;

import io.outboxkit.core.WriteMode;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.source.SourceRecord;
import org.junit.jupiter.api.Test;

/** Change events shaped as Debezium's PostgreSQL connector delivers them, mapped to Kafka records. */
class RecordMapperTest {

  private static final Schema ROW = SchemaBuilder.struct().name("outboxkit.outboxkit.public.outbox_event.Value")
      .field("id", Schema.STRING_SCHEMA)
      .field("aggregatetype", Schema.STRING_SCHEMA)
      .field("aggregateid", Schema.STRING_SCHEMA)
      .field("type", Schema.STRING_SCHEMA)
      .field("payload", Schema.OPTIONAL_STRING_SCHEMA)
      .field("tracingspancontext", Schema.OPTIONAL_STRING_SCHEMA)
      .field("headers", Schema.OPTIONAL_STRING_SCHEMA)
      .optional().build();
  private static final Schema SOURCE = SchemaBuilder.struct().field("ts_ms", Schema.INT64_SCHEMA).build();
  private static final Schema ENVELOPE = SchemaBuilder.struct()
      .field("before", ROW).field("after", ROW).field("source", SOURCE).field("op", Schema.STRING_SCHEMA).build();
  private static final Schema MESSAGE = SchemaBuilder.struct()
      .field("prefix", Schema.STRING_SCHEMA).field("content", Schema.BYTES_SCHEMA).build();
  private static final Schema MESSAGE_ENVELOPE = SchemaBuilder.struct()
      .field("op", Schema.STRING_SCHEMA).field("source", SOURCE).field("message", MESSAGE).build();

  private final RelaySettings settings = RelaySettings.from(OutboxRelay.builder()
      .database("localhost", 5432, "db").username("u").bootstrapServers("k:9092").replicationSlot("s"));
  private final RecordMapper mapper = new RecordMapper(settings);
  private final RelaySettings walSettings = RelaySettings.from(OutboxRelay.builder()
      .database("localhost", 5432, "db").username("u").bootstrapServers("k:9092").replicationSlot("s").mode(WriteMode.WAL_MESSAGE));
  private final String tableTopic = settings.debeziumTopicPrefix() + ".public.outbox_event";

  @Test
  void insertBecomesARecordWithAllHeaders() {
    Struct row = row("0190f5c2-7c1e-7000-8000-000000000001", "{\"a\": 1}",
        "traceparent=00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01\n",
        "{\"tenant\": \"acme\", \"n\": 5, \"flag\": true, \"obj\": {\"x\": [1, 2]}, \"nothing\": null, \"id\": \"forged\"}");
    RecordMapper.Event event = (RecordMapper.Event) mapper.map(change("c", row));
    ProducerRecord<byte[], byte[]> record = event.record();
    assertThat(record.topic()).isEqualTo("outbox.event.order");
    assertThat(text(record.key())).isEqualTo("o-1");
    assertThat(text(record.value())).isEqualTo("{\"a\": 1}");
    assertThat(headers(record)).containsExactly(
        "id=0190f5c2-7c1e-7000-8000-000000000001", "eventType=OrderCreated",
        "traceparent=00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
        "tenant=acme", "n=5", "flag=true", "obj={\"x\": [1, 2]}");
    assertThat(event.commitMillis()).isEqualTo(1234L);
  }

  @Test
  void updatesDeletesHeartbeatsAndOtherTopicsAreIgnored() {
    Struct row = row("0190f5c2-7c1e-7000-8000-000000000002", "{}", null, null);
    assertThat(mapper.map(change("u", row))).isInstanceOf(RecordMapper.Ignored.class);
    assertThat(mapper.map(change("d", row))).isInstanceOf(RecordMapper.Ignored.class);
    assertThat(mapper.map(change("u", row))).isInstanceOf(RecordMapper.Ignored.class);
    SourceRecord heartbeat = new SourceRecord(Map.of(), Map.of(), "__debezium-heartbeat." + settings.debeziumTopicPrefix(),
        null, null, null, null);
    assertThat(mapper.map(heartbeat)).isInstanceOf(RecordMapper.Ignored.class);
    SourceRecord other = new SourceRecord(Map.of(), Map.of(), settings.debeziumTopicPrefix() + ".public.other",
        ENVELOPE, envelope("c", row));
    assertThat(mapper.map(other)).isInstanceOf(RecordMapper.Ignored.class);
  }

  @Test
  void aTraceparentThatIsNotW3cIsLeftOutWithItsTraceState() {
    Struct row = row("0190f5c2-7c1e-7000-8000-000000000004", "{}", "traceparent=garbage\ntracestate=k=v\n", null);
    RecordMapper.Event event = (RecordMapper.Event) mapper.map(change("c", row));
    assertThat(headers(event.record())).containsExactly("id=0190f5c2-7c1e-7000-8000-000000000004",
        "eventType=OrderCreated");
  }

  @Test
  void theRelaysOwnHeartbeatRowsAreRecognisedOthersIgnored() {
    Schema beat = SchemaBuilder.struct().field("id", Schema.INT64_SCHEMA).field("slot_name", Schema.STRING_SCHEMA)
        .optional().build();
    Schema envelope = SchemaBuilder.struct().field("after", beat).field("op", Schema.STRING_SCHEMA).build();
    String topic = settings.debeziumTopicPrefix() + ".public.outboxkit_relay_heartbeat";
    SourceRecord own = new SourceRecord(Map.of(), Map.of("lsn", 0x1_0000_00A0L), topic, envelope,
        new Struct(envelope).put("op", "c").put("after", new Struct(beat).put("id", 42L).put("slot_name", "s")));
    SourceRecord other = new SourceRecord(Map.of(), Map.of(), topic, envelope,
        new Struct(envelope).put("op", "c").put("after", new Struct(beat).put("id", 43L).put("slot_name", "t")));
    assertThat(mapper.map(own)).isEqualTo(new RecordMapper.Heartbeat(42, 0x1_0000_00A0L));
    assertThat(Lsn.format(0x1_0000_00A0L)).isEqualTo("1/A0");
    assertThat(mapper.map(other)).isInstanceOf(RecordMapper.Ignored.class);
  }

  @Test
  void snapshotReadsArePublishedLikeInserts() {
    Struct row = row("0190f5c2-7c1e-7000-8000-000000000003", null, null, "[\"not an object\"]");
    RecordMapper.Event event = (RecordMapper.Event) mapper.map(change("r", row));
    assertThat(event.record().value()).isNull();
    assertThat(headers(event.record())).containsExactly("id=0190f5c2-7c1e-7000-8000-000000000003",
        "eventType=OrderCreated");
  }

  @Test
  void walMessagesOfThePrefixAreDecodedAndUnreadableOnesReported() {
    RecordMapper walMapper = new RecordMapper(walSettings);
    String topic = walSettings.debeziumTopicPrefix() + ".message";
    String envelope = "{\"id\":\"0190f5c2-7c1e-7000-8000-000000000004\",\"aggregatetype\":\"order\","
        + "\"aggregateid\":\"o-4\",\"type\":\"OrderPaid\",\"payload\":{\"b\" : [1,2]},"
        + "\"tracingspancontext\":null,\"headers\":{\"tenant\":\"acme\"},\"created_at\":\"2024-07-01T10:15:30Z\"}";
    RecordMapper.Event event = (RecordMapper.Event) walMapper.map(message(topic, "outboxkit", envelope));
    assertThat(event.record().topic()).isEqualTo("outbox.event.order");
    assertThat(text(event.record().value())).isEqualTo("{\"b\" : [1,2]}");
    assertThat(headers(event.record())).containsExactly("id=0190f5c2-7c1e-7000-8000-000000000004",
        "eventType=OrderPaid", "tenant=acme");

    assertThat(walMapper.map(message(topic, "someone-else", envelope))).isInstanceOf(RecordMapper.Ignored.class);
    RecordMapper.Outcome broken = walMapper.map(message(topic, "outboxkit", "{\"id\": 1"));
    assertThat(broken).isInstanceOf(RecordMapper.Invalid.class);
    assertThat(((RecordMapper.Invalid) broken).reason()).contains("not an OutboxKit envelope");
  }

  @Test
  void walMessageContentIsReadFromAByteBufferWholeOrFromAPartOfALargerArray() {
    RecordMapper walMapper = new RecordMapper(walSettings);
    String topic = walSettings.debeziumTopicPrefix() + ".message";
    byte[] content = ("{\"id\":\"0190f5c2-7c1e-7000-8000-000000000005\",\"aggregatetype\":\"order\","
        + "\"aggregateid\":\"o-5\",\"type\":\"OrderShipped\",\"payload\":[\"grüße\"],"
        + "\"tracingspancontext\":null,\"headers\":null,\"created_at\":\"2024-07-01T10:15:30.5Z\"}")
        .getBytes(StandardCharsets.UTF_8);
    byte[] larger = new byte[content.length + 20];
    System.arraycopy(content, 0, larger, 7, content.length);

    for (ByteBuffer buffer : List.of(ByteBuffer.wrap(content), ByteBuffer.wrap(larger, 7, content.length),
        ByteBuffer.wrap(larger, 7, content.length).slice())) {
      RecordMapper.Event event = (RecordMapper.Event) walMapper.map(message(topic, "outboxkit", buffer));
      assertThat(text(event.record().key())).isEqualTo("o-5");
      assertThat(text(event.record().value())).isEqualTo("[\"grüße\"]");
      assertThat(headers(event.record())).containsExactly("id=0190f5c2-7c1e-7000-8000-000000000005",
          "eventType=OrderShipped");
    }
  }

  private SourceRecord change(String op, Struct row) {
    return new SourceRecord(Map.of(), Map.of(), tableTopic, ENVELOPE, envelope(op, row));
  }

  /** An insert into the outbox table (table mode) as Debezium's connector delivers it, for other tests. */
  static SourceRecord insert(RelaySettings settings, String id, String aggregateType, String aggregateId) {
    Struct row = new Struct(ROW).put("id", id).put("aggregatetype", aggregateType).put("aggregateid", aggregateId)
        .put("type", "Happened").put("payload", "{}");
    return new SourceRecord(Map.of(), Map.of(), settings.debeziumTopicPrefix() + ".public.outbox_event", ENVELOPE,
        envelope("c", row));
  }

  private static Struct envelope(String op, Struct row) {
    Struct envelope = new Struct(ENVELOPE).put("op", op).put("source", new Struct(SOURCE).put("ts_ms", 1234L));
    if ("d".equals(op)) {
      envelope.put("before", row);
    } else {
      envelope.put("after", row);
    }
    return envelope;
  }

  private static SourceRecord message(String topic, String prefix, String content) {
    return message(topic, prefix, ByteBuffer.wrap(content.getBytes(StandardCharsets.UTF_8)));
  }

  /** As Debezium's connector delivers a logical message: the content wrapped in a ByteBuffer. */
  private static SourceRecord message(String topic, String prefix, ByteBuffer content) {
    Struct message = new Struct(MESSAGE).put("prefix", prefix).put("content", content);
    Struct value = new Struct(MESSAGE_ENVELOPE).put("op", "m").put("source", new Struct(SOURCE).put("ts_ms", 1L))
        .put("message", message);
    return new SourceRecord(Map.of(), Map.of(), topic, MESSAGE_ENVELOPE, value);
  }

  private static Struct row(String id, String payload, String tracing, String headers) {
    return new Struct(ROW).put("id", id).put("aggregatetype", "order").put("aggregateid", "o-1")
        .put("type", "OrderCreated").put("payload", payload).put("tracingspancontext", tracing).put("headers", headers);
  }

  private static List<String> headers(ProducerRecord<byte[], byte[]> record) {
    List<String> headers = new ArrayList<>();
    for (Header header : record.headers()) {
      headers.add(header.key() + "=" + text(header.value()));
    }
    return headers;
  }

  private static String text(byte[] bytes) {
    return bytes == null ? null : new String(bytes, StandardCharsets.UTF_8);
  }
}
