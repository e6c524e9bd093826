package io.outboxkit.saga;

import io.outboxkit.inbox.Inbox;
import io.outboxkit.inbox.kafka.InboxKafkaRunner;
import io.outboxkit.writer.OutboxWriter;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import javax.sql.DataSource;
import org.apache.kafka.clients.consumer.ConsumerConfig;

/**
 * An orchestrator (reply consumer and scanner) in a JVM of its own, for the test that kills it with SIGKILL.
 * {@link #main} runs until the process is killed; {@link #launch} starts one with the test's class path.
 */
final class OrchestratorProcess {

  static final String READY_LINE = "ORCHESTRATOR-PROCESS-READY";

  private OrchestratorProcess() {
  }

  /** Arguments: jdbcUrl user password bootstrapServers replyTopic group stepTimeoutSeconds. */
  public static void main(String[] args) throws Exception {
    DataSource dataSource = SagaFixture.pool(args[0], args[1], args[2]);
    OutboxWriter writer = OutboxWriter.builder(dataSource).build();
    SagaOrchestrator orchestrator = SagaOrchestrator.builder(dataSource, writer)
        .definition(OrderSaga.definition(Duration.ofSeconds(Long.parseLong(args[6]))))
        .scanInterval(Duration.ofMillis(200))
        .build();
    orchestrator.startScanner();
    InboxKafkaRunner runner = InboxKafkaRunner.builder(Inbox.builder(dataSource).build())
        .consumerProperties(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, args[3],
            ConsumerConfig.GROUP_ID_CONFIG, args[5],
            // a killed member's partitions go to the next one quickly
            ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, 6000,
            ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, 1000))
        .topics(args[4])
        .consumerName("orchestrator")
        .handler(orchestrator.replyHandler())
        .backoff(Duration.ofMillis(200), Duration.ofSeconds(1))
        .build();
    runner.start();
    System.out.println(READY_LINE);
    System.out.flush();
    new CountDownLatch(1).await(); // until killed
  }

  static Process launch(Path log, String... args) throws IOException {
    String java = System.getProperty("java.home") + File.separator + "bin" + File.separator + "java";
    List<String> command = new ArrayList<>(List.of(java, "-Xmx256m", "-cp", System.getProperty("java.class.path"),
        OrchestratorProcess.class.getName()));
    command.addAll(List.of(args));
    return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
  }

  static boolean isReady(Path log) throws IOException {
    return Files.exists(log) && Files.readString(log).contains(READY_LINE);
  }
}
