package io.outboxkit.inbox.kafka;

import io.outboxkit.inbox.EffectTable;
import io.outboxkit.inbox.Inbox;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * A consumer process for {@link CrashRecoveryIT}: runs the inbox runner and dies abruptly (no offset commit,
 * no group leave) when the handler reaches the given message id, after the records before it committed in
 * the database.
 *
 * <p>Arguments: jdbcUrl user password bootstrapServers topic group crashOnMessageId.
 */
public final class CrashingConsumerMain {

  static final int CRASH_EXIT_CODE = 42;

  private CrashingConsumerMain() {
  }

  public static void main(String[] args) {
    PGSimpleDataSource ds = new PGSimpleDataSource();
    ds.setURL(args[0]);
    ds.setUser(args[1]);
    ds.setPassword(args[2]);
    String crashOn = args[6];
    // never outlive the test that started it
    ScheduledExecutorService guard = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread thread = new Thread(r, "guard");
      thread.setDaemon(true);
      return thread;
    });
    guard.schedule(() -> Runtime.getRuntime().halt(3), 3, TimeUnit.MINUTES);

    InboxKafkaRunner.builder(Inbox.builder(ds).build())
        .consumerProperties(Map.of("bootstrap.servers", args[3], "group.id", args[5],
            "session.timeout.ms", "6000", "heartbeat.interval.ms", "1000"))
        .topics(args[4])
        .consumerName(args[5])
        .handler((message, connection) -> {
          if (message.messageId().equals(crashOn)) {
            Runtime.getRuntime().halt(CRASH_EXIT_CODE);
          }
          EffectTable.apply(connection, message.messageId(), "before the crash");
        })
        .build()
        .start();
  }
}
