package io.outboxkit.benchmarks;

import java.nio.charset.StandardCharsets;
import java.sql.Array;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Future;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Baseline: the naive polling relay many teams write first. One thread, in one transaction: select up to
 * {@value #BATCH} rows in id order with {@code FOR UPDATE SKIP LOCKED}, produce them, wait until the broker
 * acknowledged every record, delete them, commit. When the table is empty it waits {@link #IDLE_PAUSE}.
 * The producer has OutboxKit's relay settings, so the comparison is about reading the database.
 */
final class PollingRelay implements MeasuredRelay {

  static final int BATCH = 500;
  static final Duration IDLE_PAUSE = Duration.ofMillis(10);

  private static final Logger log = LoggerFactory.getLogger(PollingRelay.class);
  private static final String SELECT = "SELECT id, aggregatetype, aggregateid, type, payload::text"
      + " FROM public.outbox_event ORDER BY id LIMIT " + BATCH + " FOR UPDATE SKIP LOCKED";
  private static final String DELETE = "DELETE FROM public.outbox_event WHERE id = ANY (?)";

  @Override
  public String describe() {
    return "one thread; per transaction: SELECT ... ORDER BY id LIMIT " + BATCH + " FOR UPDATE SKIP LOCKED, produce"
        + " the batch, wait for every ack, DELETE the batch by id, COMMIT; " + IDLE_PAUSE.toMillis()
        + " ms pause when nothing was found; producer: " + ProducerSettings.describe(ProducerSettings.OUTBOXKIT_RELAY);
  }

  @Override
  public void prepare(RelayTarget target) {
    // nothing: it reads the table
  }

  @Override
  public Running start(RelayTarget target) {
    Loop loop = new Loop(target);
    Thread thread = new Thread(loop, "polling-relay");
    thread.setDaemon(true);
    thread.start();
    return new Running() {
      @Override
      public @Nullable String failure() {
        return loop.failure;
      }

      @Override
      public void close() {
        loop.running = false;
        try {
          thread.join(30_000);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
    };
  }

  private static final class Loop implements Runnable {

    private final RelayTarget target;
    volatile boolean running = true;
    volatile @Nullable String failure;

    Loop(RelayTarget target) {
      this.target = target;
    }

    @Override
    public void run() {
      try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(
               ProducerSettings.properties(target.bootstrapServers(), ProducerSettings.OUTBOXKIT_RELAY));
           Connection connection = DriverManager.getConnection(target.jdbcUrl(), target.username(), target.password());
           PreparedStatement select = connection.prepareStatement(SELECT);
           PreparedStatement delete = connection.prepareStatement(DELETE)) {
        connection.setAutoCommit(false);
        while (running) {
          if (relayBatch(connection, select, delete, producer) == 0) {
            Thread.sleep(IDLE_PAUSE.toMillis());
          }
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } catch (Exception e) {
        failure = "polling relay stopped: " + e;
        log.error("polling relay stopped", e);
      }
    }

    private int relayBatch(Connection connection, PreparedStatement select, PreparedStatement delete,
                           KafkaProducer<String, byte[]> producer) throws Exception {
      List<UUID> ids = new ArrayList<>(BATCH);
      List<Future<RecordMetadata>> acks = new ArrayList<>(BATCH);
      try (ResultSet rows = select.executeQuery()) {
        while (rows.next()) {
          UUID id = rows.getObject(1, UUID.class);
          String payload = rows.getString(5);
          ProducerRecord<String, byte[]> record = new ProducerRecord<>(target.topicPrefix() + rows.getString(2),
              rows.getString(3), payload == null ? null : payload.getBytes(StandardCharsets.UTF_8));
          record.headers().add("id", id.toString().getBytes(StandardCharsets.UTF_8));
          record.headers().add("eventType", rows.getString(4).getBytes(StandardCharsets.UTF_8));
          ids.add(id);
          acks.add(producer.send(record));
        }
      }
      if (ids.isEmpty()) {
        connection.commit();
        return 0;
      }
      try {
        for (Future<RecordMetadata> ack : acks) {
          ack.get();
        }
        Array idArray = connection.createArrayOf("uuid", ids.toArray());
        delete.setArray(1, idArray);
        delete.executeUpdate();
        connection.commit();
      } catch (Exception e) {
        rollbackQuietly(connection);
        throw e;
      }
      return ids.size();
    }

    private static void rollbackQuietly(Connection connection) {
      try {
        connection.rollback();
      } catch (SQLException ignored) {
        // the original failure is the one reported
      }
    }
  }
}
