package io.outboxkit.test;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/** Two tests in a row: the second sees neither the first's table nor its topic names. */
@OutboxIntegrationTest
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class IsolationIT {

  private static final AtomicReference<String> firstDatabase = new AtomicReference<>();
  private static final AtomicReference<String> firstTopic = new AtomicReference<>();

  @Test
  @Order(1)
  void firstTestWritesToItsOwnDatabase(TestDatabase db, TestKafka kafka) throws Exception {
    try (Connection connection = db.openConnection(); Statement statement = connection.createStatement()) {
      statement.execute("CREATE TABLE marker (id int primary key)");
      statement.execute("INSERT INTO marker VALUES (1)");
    }
    firstDatabase.set(db.name());
    firstTopic.set(kafka.newTopic("orders"));
  }

  @Test
  @Order(2)
  void secondTestHasAFreshDatabaseAndOtherTopicNames(TestDatabase db, TestKafka kafka,
      OutboxTestInfrastructure infrastructure) throws Exception {
    assertThat(firstDatabase.get()).isNotNull();
    assertThat(db.name()).isNotEqualTo(firstDatabase.get());
    assertThat(kafka.newTopic("orders")).isNotEqualTo(firstTopic.get());
    try (Connection connection = db.openConnection(); Statement statement = connection.createStatement();
         ResultSet rs = statement.executeQuery("SELECT to_regclass('marker') IS NULL")) {
      rs.next();
      assertThat(rs.getBoolean(1)).as("the first test's table is not visible").isTrue();
    }
    // the first test's database was dropped when that test ended
    try (Connection admin = infrastructure.adminConnection(); Statement statement = admin.createStatement();
         ResultSet rs = statement.executeQuery(
             "SELECT count(*) FROM pg_database WHERE datname = '" + firstDatabase.get() + "'")) {
      rs.next();
      assertThat(rs.getInt(1)).isZero();
    }
  }

  @Test
  @Order(3)
  void twoDatabasesInOneTestAreSeparate(TestDatabase one, TestDatabase two) throws Exception {
    assertThat(one.name()).isNotEqualTo(two.name());
    try (Connection connection = one.openConnection(); Statement statement = connection.createStatement()) {
      statement.execute("CREATE TABLE only_in_one (id int)");
    }
    try (Connection connection = two.openConnection(); Statement statement = connection.createStatement();
         ResultSet rs = statement.executeQuery("SELECT to_regclass('only_in_one') IS NULL")) {
      rs.next();
      assertThat(rs.getBoolean(1)).isTrue();
    }
  }
}
