package io.outboxkit.spring;

import io.outboxkit.core.OutboxConfigurationException;
import io.outboxkit.core.OutboxException;
import io.outboxkit.core.ServerUnavailableException;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.bind.BindException;
import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Turns an OutboxKit failure at start-up into Spring Boot's short report ("APPLICATION FAILED TO START",
 * description, action) instead of a stack trace. Binding failures of {@code outbox.*} properties are left to
 * Spring Boot's own analyzer, which also names the origin of the bad value. The relay's messages name the
 * builder methods that fix a problem; the report names the {@code outbox.*} properties that set them instead.
 */
final class OutboxFailureAnalyzer extends AbstractFailureAnalyzer<OutboxException> {

  /** The relay builder's methods as its messages name them, and the properties that set them, longest first. */
  private static final Map<String, String> PROPERTY_OF_BUILDER_METHOD = builderMethodProperties();

  @Override
  protected @Nullable FailureAnalysis analyze(Throwable rootFailure, OutboxException cause) {
    if (findCause(rootFailure, BindException.class) != null) {
      return null;
    }
    String action = cause instanceof OutboxConfigurationException
        ? "Correct the setting named above, or create the missing table or replication slot with the property or "
            + "SQL named there. OutboxKit is configured by the outbox.* properties (outbox.table.schema and "
            + "outbox.table.name for the outbox table, outbox.writer.initialize-schema to install it, "
            + "outbox.relay.* for the relay) in application.yml, as environment variables such as "
            + "OUTBOX_RELAY_JDBCURL, or as arguments such as --outbox.relay.jdbc-url=...; then start again."
        : cause instanceof ServerUnavailableException
            ? "Check that PostgreSQL and Kafka are reachable with the configured settings (spring.datasource.* for "
                + "the writer and the inbox; for the relay outbox.relay.jdbc-url, outbox.relay.username and "
                + "outbox.relay.bootstrap-servers, which default to the application's), then start again."
            : "PostgreSQL or Kafka refused what OutboxKit asked for, for the reason given above: change what it "
                + "names (a setting among the outbox.* properties, a grant, or an object in the database), then "
                + "start again.";
    return new FailureAnalysis("OutboxKit could not start: " + withPropertyNames(cause.getMessage()), action,
        cause);
  }

  /** The message with each relay builder method it names replaced by the property that sets it. */
  static String withPropertyNames(@Nullable String message) {
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
    properties.put("bootstrapServers(..)", "outbox.relay.bootstrap-servers");
    properties.put("replicationSlot(..)", "outbox.replication-slot");
    properties.put("schema(..) and table(..)", "outbox.table.schema and outbox.table.name");
    properties.put("relaySchema(..)", "outbox.relay.schema");
    properties.put("topicPrefix(..)", "outbox.relay.topic-prefix");
    properties.put("deadLetterTopic(..)", "outbox.relay.dead-letter-topic");
    return properties;
  }
}
