package io.outboxkit.inbox.kafka;

import static io.outboxkit.inbox.EffectTable.count;
import static io.outboxkit.inbox.EffectTable.doubles;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.outboxkit.test.OutboxIntegrationTest;
import io.outboxkit.test.TestDatabase;
import io.outboxkit.test.TestKafka;
import java.io.File;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A consumer process is killed after the database committed some records and before Kafka got their
 * offsets: a new consumer of the same group gets those records again and recognizes every one of them.
 */
@OutboxIntegrationTest
class CrashRecoveryIT {

  @Test
  void crashBetweenDatabaseCommitAndOffsetCommitRedeliversWithoutReapplying(TestDatabase db, TestKafka kafka)
      throws Exception {
    try (RunnerFixture f = new RunnerFixture(db, kafka, "crash", 1)) {
      for (int i = 0; i < 10; i++) {
        f.send("a", "{}", "evt-" + i, "T");
      }
      f.flush();

      Process child = new ProcessBuilder(List.of(
          Path.of(System.getProperty("java.home"), "bin", "java").toString(),
          "-cp", System.getProperty("surefire.test.class.path", System.getProperty("java.class.path")),
          CrashingConsumerMain.class.getName(),
          db.jdbcUrl(), db.username(), db.password(), kafka.bootstrapServers(), f.topic, f.group, "evt-6"))
          .redirectErrorStream(true)
          .redirectOutput(new File("target", "crash-child-" + f.group + ".log"))
          .start();
      try {
        assertThat(child.waitFor(180, TimeUnit.SECONDS)).as("the child process died").isTrue();
      } finally {
        child.destroyForcibly();
      }
      assertThat(child.exitValue()).isEqualTo(CrashingConsumerMain.CRASH_EXIT_CODE);
      assertThat(count(f.ds)).as("evt-0..evt-5 committed in the database").isEqualTo(6);
      long committedBeforeCrash = Math.max(0, f.committedOffset(0));
      assertThat(committedBeforeCrash).as("offsets of database-committed records were not committed yet")
          .isLessThan(6);

      InboxKafkaRunner restarted = f.start(f.runner());
      await().atMost(Duration.ofSeconds(120)).until(() -> count(f.ds) == 10);

      assertThat(doubles(f.ds)).isZero();
      assertThat(restarted.stats().duplicates()).as("redelivered, recognized, not re-applied")
          .isEqualTo(6 - committedBeforeCrash);
      assertThat(restarted.stats().processed()).isEqualTo(4);
      await().atMost(Duration.ofSeconds(120)).until(() -> f.committedOffset(0) == 10);
    }
  }
}
