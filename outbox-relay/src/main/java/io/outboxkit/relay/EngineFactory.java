package io.outboxkit.relay;

import io.debezium.embedded.Connect;
import io.debezium.engine.DebeziumEngine;
import io.debezium.engine.RecordChangeEvent;
import io.debezium.engine.format.ChangeEventFormat;
import java.util.Properties;
import org.apache.kafka.connect.source.SourceRecord;

/**
 * Builds one engine run. The relay uses {@link #DEBEZIUM}; tests give an engine of their own, so that the
 * relay's handling of an engine that fails or stops can be shown without provoking Debezium into it.
 */
@FunctionalInterface
interface EngineFactory {

  /** Debezium's embedded engine with the PostgreSQL connector, records in Kafka Connect's format. */
  EngineFactory DEBEZIUM = (properties, consumer, connector, completion) ->
      DebeziumEngine.create(ChangeEventFormat.of(Connect.class))
          .using(properties)
          .using(completion)
          .using(connector)
          .notifying(consumer)
          .build();

  DebeziumEngine<RecordChangeEvent<SourceRecord>> create(Properties properties,
      DebeziumEngine.ChangeConsumer<RecordChangeEvent<SourceRecord>> consumer,
      DebeziumEngine.ConnectorCallback connector, DebeziumEngine.CompletionCallback completion);
}
