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

@OutboxIntegrationTest
class InfrastructureIT {

  @Test
  void postgresAnswersWithLogicalWalAndSynchronousCommit(TestDatabase db) throws Exception {
    try (Connection connection = db.openConnection(); Statement statement = connection.createStatement()) {
      assertThat(setting(statement, "wal_level")).isEqualTo("logical");
      assertThat(setting(statement, "synchronous_commit")).isEqualTo("on");
      assertThat(Integer.parseInt(setting(statement, "max_replication_slots"))).isGreaterThanOrEqualTo(16);
      assertThat(Integer.parseInt(setting(statement, "max_wal_senders"))).isGreaterThanOrEqualTo(16);
      try (ResultSet rs = statement.executeQuery("SELECT current_database()")) {
        rs.next();
        assertThat(rs.getString(1)).isEqualTo(db.name());
      }
    }
  }

  @Test
  void aLogicalReplicationSlotCanBeCreatedInTheTestDatabase(TestDatabase db) throws Exception {
    try (Connection connection = db.openConnection(); Statement statement = connection.createStatement()) {
      statement.execute("SELECT pg_create_logical_replication_slot('infra_check', 'pgoutput')");
      try (ResultSet rs = statement.executeQuery(
          "SELECT plugin, database FROM pg_replication_slots WHERE slot_name = 'infra_check'")) {
        assertThat(rs.next()).isTrue();
        assertThat(rs.getString(1)).isEqualTo("pgoutput");
        assertThat(rs.getString(2)).isEqualTo(db.name());
      }
    }
  }

  @Test
  void aRecordProducedToKafkaIsConsumedBack(TestKafka kafka) throws Exception {
    String topic = kafka.newTopic("roundtrip");
    try (KafkaProducer<String, String> producer = new KafkaProducer<>(kafka.producerProperties())) {
      producer.send(new ProducerRecord<>(topic, "order-1", "{\"total\":42}")).get(60, TimeUnit.SECONDS);
    }
    List<ConsumerRecord<byte[], byte[]>> records = kafka.readRecords(topic, 1, Duration.ofSeconds(60));
    assertThat(records).hasSize(1);
    assertThat(new String(records.get(0).key(), StandardCharsets.UTF_8)).isEqualTo("order-1");
    assertThat(new String(records.get(0).value(), StandardCharsets.UTF_8)).isEqualTo("{\"total\":42}");
  }

  @Test
  void createdTopicsHaveTheRequestedPartitions(TestKafka kafka) throws Exception {
    String topic = kafka.newTopic("partitioned");
    kafka.createTopic(topic, 3);
    try (var admin = org.apache.kafka.clients.admin.Admin.create(kafka.adminProperties())) {
      int partitions = admin.describeTopics(List.of(topic)).allTopicNames().get(60, TimeUnit.SECONDS)
          .get(topic).partitions().size();
      assertThat(partitions).isEqualTo(3);
    }
  }

  @Test
  void theInfrastructureNamesItsProvider(OutboxTestInfrastructure infrastructure) {
    assertThat(infrastructure.provider()).isNotNull();
    assertThat(infrastructure.kafka().bootstrapServers()).isNotBlank();
    assertThat(infrastructure.postgres().port()).isPositive();
  }

  private static String setting(Statement statement, String name) throws Exception {
    try (ResultSet rs = statement.executeQuery("SHOW " + name)) {
      rs.next();
      return rs.getString(1);
    }
  }
}
