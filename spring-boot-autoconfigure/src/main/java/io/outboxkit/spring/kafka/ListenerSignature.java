package io.outboxkit.spring.kafka;

import io.outboxkit.core.OutboxConfigurationException;
import io.outboxkit.inbox.InvalidMessageException;
import io.outboxkit.inbox.kafka.MessageIdExtractor;
import java.lang.reflect.Method;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.util.Arrays;
import java.util.List;
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.jspecify.annotations.Nullable;
import org.springframework.util.StringValueResolver;

/**
 * What an {@link IdempotentListener @IdempotentListener} method needs at each call, read once from its
 * signature and annotation: where its record (or its batch's records) is, its consumer name and its message id.
 *
 * @param description the method, as messages name it ({@code <class>.<method>})
 * @param recordIndex the position of the {@code ConsumerRecord} or {@code List<ConsumerRecord>} parameter
 * @param batch true for a {@code List<ConsumerRecord>} parameter
 * @param consumer the annotation's consumer name with its placeholders resolved, or null for the listener's
 *     group id
 * @param extractor the message id extractor the annotation asks for, or null for the application's default
 */
record ListenerSignature(String description, int recordIndex, boolean batch, @Nullable String consumer,
    @Nullable MessageIdExtractor extractor) {

  /**
   * Reads and checks an annotated method.
   *
   * @param placeholders resolves the placeholders of the annotation's consumer name
   * @throws OutboxConfigurationException naming the method and what to change, when it cannot be used
   */
  static ListenerSignature parse(Method method, IdempotentListener annotation, StringValueResolver placeholders) {
    String name = method.getDeclaringClass().getName() + "." + method.getName();
    int recordIndex = -1;
    boolean batch = false;
    Class<?>[] types = method.getParameterTypes();
    Type[] generic = method.getGenericParameterTypes();
    for (int i = 0; i < types.length; i++) {
      boolean record = ConsumerRecord.class.isAssignableFrom(types[i]);
      boolean records = List.class.isAssignableFrom(types[i]) && listOfRecords(generic[i]);
      if (record || records) {
        if (recordIndex >= 0) {
          throw invalid(name, "it takes more than one ConsumerRecord or List<ConsumerRecord> parameter");
        }
        recordIndex = i;
        batch = records;
      }
    }
    if (recordIndex < 0) {
      throw invalid(name, "it does not take the record: add a ConsumerRecord<K, V> parameter, or "
          + "List<ConsumerRecord<K, V>> for a batch listener (the inbox needs the records' headers or values to "
          + "find their message ids)");
    }
    if (method.getReturnType().isPrimitive() && method.getReturnType() != void.class) {
      throw invalid(name, "it returns " + method.getReturnType() + ", but a skipped duplicate returns null: "
          + "return void or an object");
    }
    String consumer = annotation.consumer().isEmpty() ? null : placeholders.resolveStringValue(annotation.consumer());
    if (consumer != null && consumer.isBlank()) {
      throw invalid(name, "its consumer '" + annotation.consumer() + "' resolves to an empty name");
    }
    MessageIdExtractor extractor = extractor(name, annotation);
    return new ListenerSignature(name, recordIndex, batch, consumer, extractor);
  }

  /**
   * The record's message id.
   *
   * @param defaultExtractor the application's extractor, used when the annotation names none
   * @throws InvalidMessageException if the record has no usable message id
   */
  String messageId(ConsumerRecord<?, ?> record, Supplier<MessageIdExtractor> defaultExtractor) {
    MessageIdExtractor chosen = extractor != null ? extractor : defaultExtractor.get();
    String id;
    try {
      id = chosen.extract(KafkaRecords.asBytes(record));
    } catch (InvalidMessageException e) {
      throw e;
    } catch (RuntimeException e) {
      throw new InvalidMessageException("record " + KafkaRecords.where(record) + " has no usable message id ("
          + chosen + "): " + e.getMessage(), e);
    }
    if (id == null || id.isEmpty()) {
      throw new InvalidMessageException("record " + KafkaRecords.where(record) + " has no message id (" + chosen
          + "), so it cannot be processed exactly once");
    }
    return id;
  }

  /** Whether the parameter type is {@code List<ConsumerRecord<..>>} (or a list of a ConsumerRecord subtype). */
  private static boolean listOfRecords(Type type) {
    if (!(type instanceof ParameterizedType list) || list.getActualTypeArguments().length != 1) {
      return false;
    }
    Type element = list.getActualTypeArguments()[0];
    Type raw = element instanceof ParameterizedType parameterized ? parameterized.getRawType() : element;
    return raw instanceof Class<?> type1 && ConsumerRecord.class.isAssignableFrom(type1);
  }

  private static @Nullable MessageIdExtractor extractor(String name, IdempotentListener annotation) {
    String[] headers = annotation.messageIdHeaders();
    String[] pointers = annotation.messageIdJsonPointers();
    if (headers.length > 0 && pointers.length > 0) {
      throw invalid(name, "it sets both messageIdHeaders and messageIdJsonPointers: choose one");
    }
    if (annotation.messageIdWithEventType() && pointers.length == 0) {
      throw invalid(name, "messageIdWithEventType needs messageIdJsonPointers (for headers, list eventType in "
          + "messageIdHeaders)");
    }
    try {
      if (headers.length > 0) {
        return MessageIdExtractor.headers(headers[0], Arrays.copyOfRange(headers, 1, headers.length));
      }
      if (pointers.length > 0) {
        return annotation.messageIdWithEventType()
            ? MessageIdExtractor.eventTypeAndJsonPointers(pointers)
            : MessageIdExtractor.jsonPointers(pointers);
      }
      return null;
    } catch (OutboxConfigurationException e) {
      throw invalid(name, e.getMessage());
    }
  }

  private static OutboxConfigurationException invalid(String method, String reason) {
    return new OutboxConfigurationException("@IdempotentListener on " + method + " cannot be used: " + reason);
  }
}
