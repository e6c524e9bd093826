package io.outboxkit.inbox.kafka;

import io.outboxkit.core.OutboxConfigurationException;
import io.outboxkit.core.OutboxHeaders;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.jspecify.annotations.Nullable;

/** The dedup key from one or more headers. */
final class HeaderMessageId implements MessageIdExtractor {

  static final HeaderMessageId ID = new HeaderMessageId(List.of(OutboxHeaders.ID));

  private final List<String> names;

  HeaderMessageId(List<String> names) {
    this.names = List.copyOf(names);
  }

  static HeaderMessageId of(String first, String... more) {
    List<String> names = new ArrayList<>();
    names.add(checkName(first));
    for (String name : more) {
      names.add(checkName(name));
    }
    return new HeaderMessageId(names);
  }

  static String checkName(@Nullable String name) {
    if (name == null || name.isEmpty()) {
      throw new OutboxConfigurationException("a dedup key header name is empty: name the Kafka header that "
          + "carries the message's business id, for example \"" + OutboxHeaders.ID + "\"");
    }
    return name;
  }

  @Override
  public @Nullable String extract(ConsumerRecord<byte[], byte[]> record) {
    if (names.size() == 1) {
      return value(record, names.get(0));
    }
    List<String> parts = new ArrayList<>(names.size());
    for (String name : names) {
      String value = value(record, name);
      if (value == null) {
        return null;
      }
      parts.add(value);
    }
    return KeyParts.join(parts);
  }

  private static @Nullable String value(ConsumerRecord<byte[], byte[]> record, String name) {
    Header header = record.headers().lastHeader(name);
    if (header == null || header.value() == null || header.value().length == 0) {
      return null;
    }
    return new String(header.value(), StandardCharsets.UTF_8);
  }

  @Override
  public String toString() {
    return "headers " + names;
  }
}
