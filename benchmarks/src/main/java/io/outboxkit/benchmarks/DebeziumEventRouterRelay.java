package io.outboxkit.benchmarks;

import io.outboxkit.core.SqlIdentifier;
import io.debezium.embedded.Connect;
import io.debezium.engine.DebeziumEngine;
import io.debezium.engine.RecordChangeEvent;
import io.debezium.engine.format.ChangeEventFormat;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.connect.header.Header;
import org.apache.kafka.connect.source.SourceRecord;
import org.jspecify.annotations.Nullable;
import org.postgresql.ds.PGSimpleDataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Baseline: Debezium's embedded engine with the PostgreSQL connector and the Outbox Event Router SMT
 * (configured as the design says, so its records equal OutboxKit's), its offsets in memory, and a Kafka
 * producer that sends each batch and waits for every acknowledgement before marking the batch processed:
 * what a user of Debezium Server or of the embedded engine gets.
 *
 * <p>With {@code tuned=false} every Debezium and producer setting that decides speed is Debezium's or
 * Kafka's default; only what is needed to read the outbox at all is set. With {@code tuned=true} the
 * settings the design measured as "tuned" are applied.
 */
final class DebeziumEventRouterRelay implements MeasuredRelay {

  /** The settings applied on top of Debezium's defaults in the tuned variant. */
  static final Map<String, String> TUNED_DEBEZIUM = Map.of(
      "max.batch.size", "8192",
      "max.queue.size", "32768",
      "poll.interval.ms", "5");

  private static final Logger log = LoggerFactory.getLogger(DebeziumEventRouterRelay.class);

  private final boolean tuned;

  DebeziumEventRouterRelay(boolean tuned) {
    this.tuned = tuned;
  }

  @Override
  public String describe() {
    Map<String, String> shown = new LinkedHashMap<>(requiredSettings(exampleTarget()));
    shown.keySet().removeIf(name -> name.startsWith("database.") || name.equals("name"));
    return "embedded engine (Debezium's default engine builder), " + shown
        + (tuned ? ", tuned: " + TUNED_DEBEZIUM : ", every other Debezium setting at its default")
        + "; each batch is sent and every ack awaited before the batch is marked processed; producer: "
        + ProducerSettings.describe(producerSettings())
        + "; publication and slot created before the first event is written";
  }

  @Override
  public void prepare(RelayTarget target) {
    PGSimpleDataSource dataSource = new PGSimpleDataSource();
    dataSource.setURL(target.jdbcUrl());
    dataSource.setUser(target.username());
    dataSource.setPassword(target.password());
    createPublicationAndSlot(dataSource, target);
  }

  static void createPublicationAndSlot(DataSource dataSource, RelayTarget target) {
    SqlScripts.run(dataSource, "publication-and-slot.sql", Map.of(
        "publication", SqlIdentifier.of("publication", target.publication()).name(),
        "slot", SqlIdentifier.of("replicationSlot", target.replicationSlot()).name()));
  }

  @Override
  public Running start(RelayTarget target) {
    Properties config = new Properties();
    config.putAll(requiredSettings(target));
    if (tuned) {
      config.putAll(TUNED_DEBEZIUM);
    }
    KafkaProducer<String, byte[]> producer = new KafkaProducer<>(
        ProducerSettings.properties(target.bootstrapServers(), producerSettings()));
    ExecutorService executor = Executors.newSingleThreadExecutor(r -> new Thread(r, "debezium-engine"));
    StartWatch watch = new StartWatch();
    DebeziumEngine<RecordChangeEvent<SourceRecord>> engine = DebeziumEngine.create(ChangeEventFormat.of(Connect.class))
        .using(config)
        .notifying((records, committer) -> {
          List<Future<RecordMetadata>> acks = new ArrayList<>(records.size());
          for (RecordChangeEvent<SourceRecord> event : records) {
            SourceRecord record = event.record();
            if (record.value() != null) {
              acks.add(producer.send(toKafka(record)));
            }
          }
          for (Future<RecordMetadata> ack : acks) {
            try {
              ack.get();
            } catch (java.util.concurrent.ExecutionException e) {
              throw new IllegalStateException("the broker refused a record: " + e.getCause(), e.getCause());
            }
          }
          for (RecordChangeEvent<SourceRecord> event : records) {
            committer.markProcessed(event);
          }
          committer.markBatchFinished();
        })
        .using(watch)
        .using((success, message, error) -> {
          if (!success) {
            watch.failure = "Debezium engine stopped: " + message + (error == null ? "" : " (" + error + ")");
            log.error("Debezium engine stopped: {}", message, error);
          }
        })
        .build();
    executor.execute(engine);
    try {
      watch.await();
    } catch (RuntimeException e) {
      close(engine, executor, producer);
      throw e;
    }
    return new Running() {
      @Override
      public @Nullable String failure() {
        return watch.failure;
      }

      @Override
      public void close() {
        DebeziumEventRouterRelay.close(engine, executor, producer);
      }
    };
  }

  private static void close(DebeziumEngine<?> engine, ExecutorService executor, KafkaProducer<?, ?> producer) {
    try {
      engine.close();
    } catch (IOException e) {
      log.warn("closing the Debezium engine failed: {}", e.toString());
    }
    executor.shutdown();
    try {
      executor.awaitTermination(60, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    producer.close();
  }

  private Map<String, String> producerSettings() {
    return tuned ? ProducerSettings.TUNED : ProducerSettings.KAFKA_DEFAULTS;
  }

  /**
   * What must be set to stream the outbox table with the Event Router at all, and the record format of the
   * design (payload text as the value, the event type as a header, no extended headers).
   */
  static Map<String, String> requiredSettings(RelayTarget target) {
    Map<String, String> settings = new LinkedHashMap<>();
    settings.put("name", "benchmark-debezium");
    settings.put("connector.class", "io.debezium.connector.postgresql.PostgresConnector");
    settings.put("offset.storage", "org.apache.kafka.connect.storage.MemoryOffsetBackingStore");
    settings.put("database.hostname", target.host());
    settings.put("database.port", Integer.toString(target.port()));
    settings.put("database.user", target.username());
    settings.put("database.password", target.password());
    settings.put("database.dbname", target.database());
    settings.put("topic.prefix", "benchmark");
    settings.put("plugin.name", "pgoutput");
    settings.put("slot.name", target.replicationSlot());
    settings.put("publication.name", target.publication());
    settings.put("publication.autocreate.mode", "disabled");
    settings.put("snapshot.mode", "no_data");
    settings.put("table.include.list", "public.outbox_event");
    settings.put("extended.headers.enabled", "false");
    settings.put("transforms", "outbox");
    settings.put("transforms.outbox.type", "io.debezium.transforms.outbox.EventRouter");
    settings.put("transforms.outbox.table.expand.json.payload", "false");
    settings.put("transforms.outbox.table.fields.additional.placement", "type:header:eventType");
    settings.put("transforms.outbox.route.topic.replacement", target.topicPrefix() + "${routedByValue}");
    return settings;
  }

  /** The Event Router's record as Kafka Connect's StringConverter would write it. */
  private static ProducerRecord<String, byte[]> toKafka(SourceRecord record) {
    Object value = record.value();
    ProducerRecord<String, byte[]> out = new ProducerRecord<>(record.topic(),
        record.key() == null ? null : record.key().toString(),
        value == null ? null : value.toString().getBytes(StandardCharsets.UTF_8));
    for (Header header : record.headers()) {
      if (header.value() != null) {
        out.headers().add(header.key(), header.value().toString().getBytes(StandardCharsets.UTF_8));
      }
    }
    return out;
  }

  private static RelayTarget exampleTarget() {
    return new RelayTarget("host", 5432, "db", "user", "", "kafka:9092", "<prefix>.", "<slot>", "<publication>");
  }

  /** Notes when the engine started polling its task, and the failure it reported. */
  private static final class StartWatch implements DebeziumEngine.ConnectorCallback {
    final CountDownLatch polling = new CountDownLatch(1);
    volatile @Nullable String failure;

    @Override
    public void pollingStarted() {
      polling.countDown();
    }

    void await() {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
      try {
        while (!polling.await(100, TimeUnit.MILLISECONDS)) {
          if (failure != null) {
            throw new BenchmarkException(failure);
          }
          if (System.nanoTime() > deadline) {
            throw new BenchmarkException("the Debezium engine did not start polling within 120 s");
          }
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new BenchmarkException("interrupted while the Debezium engine started", e);
      }
    }
  }
}
