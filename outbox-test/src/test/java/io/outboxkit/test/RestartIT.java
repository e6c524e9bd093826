package io.outboxkit.test;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

/** Fault tests need to stop and restart the servers; committed data survives. */
@OutboxIntegrationTest(embedded = true)
class RestartIT {

  @Test
  void brokerStopAndStartKeepsCommittedRecords(KafkaServer broker, TestKafka kafka) throws Exception {
    String topic = kafka.newTopic("survives-stop");
    produce(kafka, topic, 100);
    String before = broker.bootstrapServers();

    broker.stop();
    broker.start();

    assertThat(broker.bootstrapServers()).isEqualTo(before);
    List<ConsumerRecord<byte[], byte[]>> records = kafka.readRecords(topic, 100, Duration.ofSeconds(120));
    assertThat(records).hasSize(100);
    assertThat(new String(records.get(99).value(), StandardCharsets.UTF_8)).isEqualTo("value-99");
  }

  @Test
  void brokerKilledWithSigkillAndStartedAgainKeepsAcknowledgedRecords(KafkaServer broker, TestKafka kafka)
      throws Exception {
    String topic = kafka.newTopic("survives-kill");
    produce(kafka, topic, 50);

    broker.kill();
    broker.start();

    produce(kafka, topic, 50);
    assertThat(kafka.readRecords(topic, 100, Duration.ofSeconds(120))).hasSize(100);
  }

  @Test
  void postgresRestartKeepsCommittedRowsOnTheSamePort(PostgresServer server, TestDatabase db) throws Exception {
    try (Connection connection = db.openConnection(); Statement statement = connection.createStatement()) {
      statement.execute("CREATE TABLE survivor (id int primary key)");
      statement.execute("INSERT INTO survivor SELECT generate_series(1, 10)");
    }
    int port = server.port();

    server.restart();

    assertThat(server.port()).isEqualTo(port);
    try (Connection connection = db.openConnection(); Statement statement = connection.createStatement();
         ResultSet rs = statement.executeQuery("SELECT count(*), current_setting('wal_level') FROM survivor")) {
      rs.next();
      assertThat(rs.getInt(1)).isEqualTo(10);
      assertThat(rs.getString(2)).isEqualTo("logical");
    }
  }

  private static void produce(TestKafka kafka, String topic, int count) throws Exception {
    try (KafkaProducer<String, String> producer = new KafkaProducer<>(kafka.producerProperties())) {
      for (int i = 0; i < count; i++) {
        producer.send(new ProducerRecord<>(topic, "key-" + i, "value-" + i));
      }
      producer.flush();
      producer.send(new ProducerRecord<>(topic + ".flush-check", "k", "v")).get(60, TimeUnit.SECONDS);
    }
  }
}
