package io.outboxkit.fault;

import com.zaxxer.hikari.HikariDataSource;
import io.outboxkit.inbox.kafka.InboxKafkaRunner;
import io.outboxkit.inbox.kafka.InboxMessage;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * A billing consumer in a process of its own ({@link ConsumerChild} starts it). Once the test sends {@code
 * arm <n>}, after handling {@code n} more new records it stops inside the handler of the first record whose
 * partition has an earlier record this process committed in the database but the group has not committed
 * to Kafka yet, and reports {@code consumer paused partition=<p> offset=<o>}. That is the window between a
 * database commit and an offset commit; the test kills the process there. It reports its counters ({@code
 * consumer stats ...}) whenever they change.
 *
 * <p>Arguments: jdbcUrl user password bootstrapServers topic group instance
 */
public final class ConsumerMain {

  private ConsumerMain() {
  }

  public static void main(String[] args) throws InterruptedException {
    AtomicInteger armedFor = new AtomicInteger(-1);
    ChildJvm.exitWithParent(command -> {
      if (command.startsWith("arm ")) {
        armedFor.set(Integer.parseInt(command.substring(4)));
      }
    });
    String bootstrapServers = args[3];
    String group = args[5];
    String instance = args[6];
    HikariDataSource pool = BillingConsumers.pool(args[0], args[1], args[2], instance);
    EffectHandler effects = new EffectHandler(instance);
    Map<Integer, Long> lastCommittedInDatabase = new HashMap<>();
    CountDownLatch never = new CountDownLatch(1);
    Properties adminProperties = new Properties();
    adminProperties.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    try (Admin admin = Admin.create(adminProperties)) {
      var runner = BillingConsumers.runner(pool, bootstrapServers, args[4], group, instance, (message, connection) -> {
        if (armedFor.get() >= 0 && armedFor.getAndUpdate(n -> Math.max(0, n - 1)) == 0
            && inDoubt(admin, group, message, lastCommittedInDatabase)) {
          ChildJvm.report("consumer paused partition=" + message.partition() + " offset=" + message.offset());
          try {
            never.await(); // until SIGKILL; this record's transaction never commits
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        }
        effects.handle(message, connection);
        // the inbox commits right after the handler returns; counted as committed from here on
        lastCommittedInDatabase.put(message.partition(), message.offset());
      }).build();
      runner.start();
      ChildJvm.report("consumer started instance=" + instance);
      reportStats(runner);
      never.await();
    }
  }

  /** Reports the runner's counters whenever they change, so the test knows them when it kills the process. */
  private static void reportStats(InboxKafkaRunner runner) {
    Thread reporter = new Thread(() -> {
      InboxKafkaRunner.Stats reported = null;
      while (true) {
        InboxKafkaRunner.Stats stats = runner.stats();
        if (!stats.equals(reported)) {
          ChildJvm.report("consumer stats processed=" + stats.processed() + " duplicates=" + stats.duplicates()
              + " deadLettered=" + stats.deadLettered());
          reported = stats;
        }
        try {
          Thread.sleep(100);
        } catch (InterruptedException e) {
          return;
        }
      }
    }, "stats-reporter");
    reporter.setDaemon(true);
    reporter.start();
  }

  /** Whether an earlier record of this record's partition is committed in the database and not in Kafka. */
  private static boolean inDoubt(Admin admin, String group, InboxMessage message, Map<Integer, Long> lastInDatabase) {
    Long last = lastInDatabase.get(message.partition());
    if (last == null) {
      return false;
    }
    try {
      OffsetAndMetadata committed = admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata()
          .get(10, TimeUnit.SECONDS).get(new TopicPartition(message.topic(), message.partition()));
      return committed == null || committed.offset() <= last;
    } catch (Exception e) {
      return false;
    }
  }
}
