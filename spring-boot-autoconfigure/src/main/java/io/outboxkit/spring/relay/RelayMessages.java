package io.outboxkit.spring.relay;

import java.util.LinkedHashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The relay's messages as a Spring Boot user reads them: the relay names its builder's methods ("check
 * username(..) and password(..)"); here each is replaced by the {@code outbox.*} property that sets it. Used for
 * the relay's status, its log lines and dead-letter reasons (given to the builder's {@code messages(..)}) and
 * for the start-up failure report.
 */
public final class RelayMessages {

  /** The relay builder's methods as its messages name them, and the properties that set them, longest first. */
  private static final Map<String, String> PROPERTY_OF_BUILDER_METHOD = builderMethodProperties();

  private RelayMessages() {
  }

  /** The message with each relay builder method it names replaced by the property that sets it. */
  public static String withPropertyNames(@Nullable String message) {
    String text = String.valueOf(message);
    for (Map.Entry<String, String> method : PROPERTY_OF_BUILDER_METHOD.entrySet()) {
      text = text.replace(method.getKey(), method.getValue());
    }
    return text;
  }

  private static Map<String, String> builderMethodProperties() {
    Map<String, String> properties = new LinkedHashMap<>();
    properties.put("jdbcUrl(..) or database(host, port, name)", "outbox.relay.jdbc-url");
    properties.put("jdbcUrl(..) / database(host, port, name)", "outbox.relay.jdbc-url");
    properties.put("username(..), password(..)", "outbox.relay.username, outbox.relay.password");
    properties.put("username(..) and password(..)", "outbox.relay.username and outbox.relay.password");
    properties.put("username(..)", "outbox.relay.username");
    properties.put("password(..)", "outbox.relay.password");
    properties.put("bootstrapServers(..)", "outbox.relay.bootstrap-servers");
    properties.put("replicationSlot(..)", "outbox.replication-slot");
    properties.put("schema(..) and table(..)", "outbox.table.schema and outbox.table.name");
    properties.put("relaySchema(..)", "outbox.relay.schema");
    properties.put("topicPrefix(..)", "outbox.relay.topic-prefix");
    properties.put("deadLetterTopic(..)", "outbox.relay.dead-letter-topic");
    return properties;
  }
}
