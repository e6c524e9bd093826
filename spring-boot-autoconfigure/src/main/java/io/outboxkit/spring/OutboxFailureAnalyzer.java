package io.outboxkit.spring;

import io.outboxkit.core.OutboxConfigurationException;
import io.outboxkit.core.OutboxException;
import io.outboxkit.core.ServerUnavailableException;
import io.outboxkit.spring.relay.RelayMessages;
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
    return new FailureAnalysis("OutboxKit could not start: " + RelayMessages.withPropertyNames(cause.getMessage()), action,
        cause);
  }
}
