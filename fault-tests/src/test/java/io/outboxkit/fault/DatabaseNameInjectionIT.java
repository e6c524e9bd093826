package io.outboxkit.fault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.outboxkit.core.OutboxConfigurationException;
import io.outboxkit.core.OutboxHeaders;
import io.outboxkit.relay.OutboxRelay;
import io.outboxkit.relay.RelayState;
import io.outboxkit.test.OutboxIntegrationTest;
import io.outboxkit.test.TestDatabase;
import io.outboxkit.test.TestKafka;
import io.outboxkit.writer.OutboxSchema;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * Bad input: a database name carrying JDBC URL syntax ({@code orders?ApplicationName=x}). PostgreSQL allows
 * such names, but Debezium puts the name into its JDBC URL as it is: its connection would go to the database
 * named before the {@code ?}, with the rest read as connection parameters. The relay must either stream the
 * named database or refuse the name with an {@link OutboxConfigurationException} that says what to do; it
 * refuses it when the name is set (before this check it turned ACTIVE, then its engine failed on the other
 * database and restarted in a loop).
 */
@OutboxIntegrationTest
class DatabaseNameInjectionIT {

  @Test
  void databaseNameWithUrlSyntaxIsStreamedOrRefused(TestDatabase db, TestKafka kafka) throws Exception {
    // the suffix would be parameters in a URL; the part before it is an existing database (the test's own)
    String name = db.name() + "?ApplicationName=x"; // under 64 bytes: PostgreSQL would cut a longer name
    String slot = "inj_" + Integer.toHexString(name.hashCode());
    String prefix = kafka.newTopic("dbname") + ".";
    try (Connection admin = db.openConnection(); Statement statement = admin.createStatement()) {
      statement.execute("CREATE DATABASE \"" + name + "\"");
    }
    try {
      PGSimpleDataSource target = new PGSimpleDataSource();
      target.setServerNames(new String[] {db.host()});
      target.setPortNumbers(new int[] {db.port()});
      target.setDatabaseName(name);
      target.setUser(db.username());
      target.setPassword(db.password());
      OutboxSchema.builder().replicationSlot(slot).build().install(target);

      OutboxRelay.Builder builder = OutboxRelay.builder();
      try {
        builder.database(db.host(), db.port(), name);
      } catch (OutboxConfigurationException refused) {
        System.out.println("[database-name] refused when set: " + refused.getMessage());
        assertThat(refused).hasMessageContaining("'" + name + "'").hasMessageContaining("rename it");
        return; // acceptable: the builder refuses a name Debezium cannot carry
      }
      try (OutboxRelay relay = builder.username(db.username()).password(db.password()).replicationSlot(slot)
          .topicPrefix(prefix).bootstrapServers(kafka.bootstrapServers()).build()) {
        relay.start();
        UUID id = UUID.randomUUID();
        try (Connection connection = target.getConnection(); PreparedStatement insert = connection.prepareStatement(
            "INSERT INTO outbox_event (id, aggregatetype, aggregateid, type, payload) VALUES (?, 'order', 'o-1', "
                + "'OrderPlaced', '{}')")) {
          insert.setObject(1, id);
          insert.executeUpdate();
        }
        try {
          await("the event of the named database on Kafka").atMost(Duration.ofSeconds(90))
              .pollInterval(Duration.ofSeconds(1))
              .until(() -> TopicReader.readAll(kafka.bootstrapServers(), prefix + "order", Pipeline.READ_TIMEOUT)
                  .stream().anyMatch(r -> id.toString().equals(TopicReader.header(r, OutboxHeaders.ID))));
        } finally {
          System.out.println("[database-name] relay status: " + relay.status());
        }
        assertThat(relay.status().state()).isEqualTo(RelayState.ACTIVE);
      }
    } finally {
      try (Connection admin = db.openConnection(); Statement statement = admin.createStatement()) {
        statement.execute("SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE slot_name = '"
            + slot + "'");
        statement.execute("DROP DATABASE \"" + name + "\" WITH (FORCE)");
      }
    }
  }
}
