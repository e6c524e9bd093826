package io.outboxkit.benchmarks;

import java.nio.charset.StandardCharsets;

/**
 * The events every benchmark writes: JSON documents of exactly {@link #SIZE} bytes that carry a sequence
 * number, so a consumer can tell which event it holds whatever relay delivered it and however PostgreSQL
 * re-rendered the JSON (jsonb adds spaces after colons and commas).
 */
final class Payloads {

  /** Bytes of every payload as the writer produces it (compact JSON, ASCII only). */
  static final int SIZE = 500;

  /** Aggregate type of every benchmark event: the topic is {@code <topic prefix>order}. */
  static final String AGGREGATE_TYPE = "order";

  /** Event type of every benchmark event. */
  static final String EVENT_TYPE = "OrderPlaced";

  /** Events are spread over this many aggregates (Kafka keys). */
  static final int AGGREGATES = 1000;

  private static final byte[] SEQ_FIELD = "\"seq\"".getBytes(StandardCharsets.US_ASCII);

  private Payloads() {
  }

  /** The aggregate id (Kafka key) of event {@code seq}. */
  static String aggregateId(long seq) {
    return "order-" + (seq % AGGREGATES);
  }

  /**
   * The payload of event {@code seq}: {@value #SIZE} bytes of compact JSON with the sequence number, the
   * aggregate id, the wall-clock time it was made (microseconds since the epoch) and padding.
   */
  static String json(long seq, long writtenAtMicros) {
    String head = "{\"seq\":" + seq + ",\"aggregateId\":\"" + aggregateId(seq) + "\",\"writtenAtMicros\":"
        + writtenAtMicros + ",\"pad\":\"";
    String tail = "\"}";
    int padding = SIZE - head.length() - tail.length();
    if (padding < 0) {
      throw new IllegalArgumentException("sequence " + seq + " does not fit a " + SIZE + "-byte payload");
    }
    StringBuilder json = new StringBuilder(SIZE).append(head);
    for (int i = 0; i < padding; i++) {
      json.append((char) ('a' + (i % 26)));
    }
    return json.append(tail).toString();
  }

  /**
   * The sequence number in a payload's JSON text (compact or as jsonb renders it).
   *
   * @return the number, or -1 when the value has no {@code "seq"} field
   */
  static long seqOf(byte[] json) {
    int at = indexOf(json, SEQ_FIELD);
    if (at < 0) {
      return -1;
    }
    int i = at + SEQ_FIELD.length;
    while (i < json.length && (json[i] == ' ' || json[i] == ':')) {
      i++;
    }
    long value = 0;
    int digits = 0;
    while (i < json.length && json[i] >= '0' && json[i] <= '9') {
      value = value * 10 + (json[i] - '0');
      i++;
      digits++;
    }
    return digits == 0 ? -1 : value;
  }

  private static int indexOf(byte[] haystack, byte[] needle) {
    outer:
    for (int i = 0; i <= haystack.length - needle.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (haystack[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }
}
